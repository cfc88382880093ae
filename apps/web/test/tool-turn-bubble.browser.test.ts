// Scenario 5 of the seed's test plan: a multi-step tool turn (text, a tool call, its
// result, more text) stays one assistant bubble from its first token to its last.
import { describe, expect, it } from 'vitest';
import {
  browserMissing,
  eventually,
  settled,
  snapshotOf,
  startConversation,
  startDemoDaemon,
  useBrowser,
} from './browser-fixture.ts';
import { readMessageWatch } from './message-watch.ts';

describe.skipIf(browserMissing)('a multi-step tool turn', () => {
  const browser = useBrowser();

  it('stays one bubble, under one id, from the first token to the last', async () => {
    // The clock tool takes 1.5 s: long enough to see the bubble between the two model calls.
    await using daemon = await startDemoDaemon([
      '--demo-delay-ms',
      '10',
      '--demo-tokens',
      '60',
      '--demo-tool-delay-ms',
      '1500',
    ]);
    const { page } = await browser.openPage();
    await page.goto(daemon.url);
    const conversationId = await startConversation(page, 'Use the tool to tell the time');

    // The turn pauses while the tool runs; the page shows one bubble (it may lag behind the daemon).
    await eventually(async () => {
      const blocks = (await snapshotOf(daemon, conversationId)).messages[1]?.blocks ?? [];
      return blocks.map((block) => `${block.type}:${block.status}`).join();
    }).toBe('text:closed,tool_use:closed,tool_result:open');
    await eventually(() => page.locator('li.message.assistant').count()).toBe(1);

    const snapshot = await settled(page, daemon, conversationId, 2);
    const answer = snapshot.messages[1];
    expect(answer?.blocks.map((block) => block.type)).toEqual(['text', 'tool_use', 'tool_result', 'text']);
    const watch = await readMessageWatch(page);
    // From the moment the answer's bubble appeared, the page showed that one bubble, and only it.
    const first = watch.assistantIds.findIndex((assistants) => assistants.length > 0);
    expect(watch.assistantIds.slice(first)).toEqual([[answer?.id]]);
    expect(watch.created).toEqual(snapshot.messages.map((message) => message.id));
    expect(watch.duplicates).toEqual([]);
  }, 120_000);
});
