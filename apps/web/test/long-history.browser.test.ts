// Scenario 4 of the seed's test plan: a long conversation (text, code blocks, tool calls
// and results, surfaces) rendered from history after a reload looks exactly as it did
// once it had streamed in: the same normalised DOM.
import { createDaemonClient } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { answered, browserMissing, settled, startDemoDaemon, TURN_TIMEOUT_MS, useBrowser } from './browser-fixture.ts';
import { normalisedMessagesDom } from './normalised-dom.ts';

/** The prompts of the turns, in a cycle: plain answers, the clock, the calculator, a surface. */
const PROMPTS = [
  'What is an offset?',
  'Use the tool to tell the time',
  'Please use calculator {"operation": "multiply", "a": 6, "b": 7}',
  'Please show_surface {"surfaceType": "checklist", "data": {"title": "Release", "done": false}, "updates": [{"done": true}]}',
  'Show me a code block',
];
const TURNS = 32;

describe.skipIf(browserMissing)('a long conversation reloaded from history', () => {
  const browser = useBrowser();

  it(
    `renders the same text and structure as while streaming (${TURNS} turns)`,
    async () => {
      await using daemon = await startDemoDaemon(['--demo-delay-ms', '1', '--demo-tokens', '40']);
      const client = createDaemonClient(daemon.url);
      const conversationId = await client.createConversation('A long conversation');
      const { page } = await browser.openPage();
      await page.goto(`${daemon.url}/#${conversationId}`);
      // One turn after the other, the page watching (a message sent while a turn runs would hand that turn off).
      for (let turn = 0; turn < TURNS; turn += 1) {
        await client.sendMessage(conversationId, `${PROMPTS[turn % PROMPTS.length]} (turn ${turn + 1})`);
        await answered(daemon, conversationId, (turn + 1) * 2);
      }

      const snapshot = await settled(page, daemon, conversationId, TURNS * 2);
      const kinds = new Set(snapshot.messages.flatMap((message) => message.blocks.map((block) => block.type)));
      expect([...kinds].sort()).toEqual(['surface', 'text', 'tool_result', 'tool_use']);
      const streamed = await normalisedMessagesDom(page);
      expect(streamed.match(/^ {2}<li /gm)).toHaveLength(TURNS * 2);
      expect(streamed).toContain('<pre');

      await page.reload();
      await settled(page, daemon, conversationId, TURNS * 2);
      expect(await normalisedMessagesDom(page)).toBe(streamed);
    },
    3 * TURN_TIMEOUT_MS,
  );
});
