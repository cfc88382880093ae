// Two tabs on one conversation: whichever tab sends, both show the same messages, the
// same text and the same structure, each bubble once.
import { describe, expect, it } from 'vitest';
import {
  browserMissing,
  send,
  settled,
  startConversation,
  startDemoDaemon,
  TURN_TIMEOUT_MS,
  useBrowser,
} from './browser-fixture.ts';
import { readMessageWatch } from './message-watch.ts';
import { normalisedMessagesDom } from './normalised-dom.ts';

describe.skipIf(browserMissing)('two tabs on one conversation', () => {
  const browser = useBrowser();

  it('stay identical while each of them sends', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '5', '--demo-tokens', '60']);
    const { context, page: first } = await browser.openPage();
    await first.goto(daemon.url);
    const conversationId = await startConversation(first, 'Hello from the first tab');
    const second = await context.newPage();
    second.setDefaultTimeout(TURN_TIMEOUT_MS);
    await second.goto(`${daemon.url}/#${conversationId}`);

    await settled(first, daemon, conversationId, 2);
    await settled(second, daemon, conversationId, 2);
    await send(second, 'And hello from the second tab: use a tool');
    await settled(second, daemon, conversationId, 4);
    await send(first, 'The first tab again');
    const snapshot = await settled(first, daemon, conversationId, 6);
    await settled(second, daemon, conversationId, 6);

    const shown = await normalisedMessagesDom(first);
    expect(shown.match(/^ {2}<li /gm)).toHaveLength(6);
    expect(await normalisedMessagesDom(second)).toBe(shown);
    for (const page of [first, second]) {
      const watch = await readMessageWatch(page);
      expect(watch.created).toEqual(snapshot.messages.map((message) => message.id));
      expect(watch.duplicates).toEqual([]);
    }
  }, 120_000);
});
