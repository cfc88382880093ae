// Scenario 3 of the seed's test plan: the daemon killed (SIGKILL) mid-answer and started
// again on the same data dir and port. The page says it is reconnecting, then live; the
// interrupted answer says so; nothing shows twice and nothing is missing.
import { describe, expect, it } from 'vitest';
import {
  browserMissing,
  connectionStatus,
  eventually,
  settled,
  shownMessages,
  startConversation,
  startDemoDaemon,
  useBrowser,
} from './browser-fixture.ts';
import { readMessageWatch } from './message-watch.ts';

describe.skipIf(browserMissing)('the daemon killed mid-turn and restarted', () => {
  const browser = useBrowser();

  it('shows reconnecting then live, and the answer ends interrupted with exactly the daemon’s text', async () => {
    // About 12 s of streaming: the kill lands in the middle even on a busy machine.
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '40', '--demo-tokens', '300']);
    const { page } = await browser.openPage();
    await page.goto(daemon.url);
    const conversationId = await startConversation(page, 'What happens when the daemon crashes?');
    await eventually(() => connectionStatus(page)).toBe('live');
    await eventually(async () => (await shownMessages(page)).at(-1)?.words.length ?? 0).toBeGreaterThan(20);

    await daemon.kill('SIGKILL');
    await eventually(() => connectionStatus(page)).toBe('reconnecting');
    await daemon.restart();
    await eventually(() => connectionStatus(page)).toBe('live');

    // The restarted daemon ends the cut-off answer `interrupted`; the page shows its words, once.
    const snapshot = await settled(page, daemon, conversationId, 2);
    const answer = snapshot.messages[1];
    expect(answer?.status).toBe('interrupted');
    expect(answer?.blocks.length).toBeGreaterThan(0);
    const bubble = page.locator(`li.message.assistant[data-message-id="${answer?.id}"]`);
    expect(await bubble.getAttribute('data-status')).toBe('interrupted');
    expect(await bubble.getByTestId('message-ending').count()).toBe(1);

    const watch = await readMessageWatch(page);
    expect(watch.statuses.slice(watch.statuses.indexOf('live'))).toEqual(['live', 'reconnecting', 'live']);
    expect(watch.created).toEqual(snapshot.messages.map((message) => message.id));
    expect(watch.duplicates).toEqual([]);
  }, 120_000);
});
