// The web app in a real browser against a real daemon: a streamed answer with a tool call
// shows each word once, and a reload shows the same text again, once.
import { describe, expect, it } from 'vitest';
import {
  browserMissing,
  connectionStatus,
  eventually,
  settled,
  shownMessages,
  snapshotOf,
  startConversation,
  startDemoDaemon,
  useBrowser,
} from './browser-fixture.ts';

describe.skipIf(browserMissing)('web app in Chromium', () => {
  const browser = useBrowser();

  it('streams an answer with a tool call exactly once, and shows the same after a reload', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '2', '--demo-tokens', '60']);
    const { page } = await browser.openPage();
    await page.goto(daemon.url);
    // The first screen has a place to type: the first message starts the conversation.
    const conversationId = await startConversation(page, 'Use a tool please');
    await eventually(() => connectionStatus(page)).toBe('live');
    const snapshot = await settled(page, daemon, conversationId, 2);
    expect(snapshot.messages[1]?.status).toBe('complete');
    expect(snapshot.messages[1]?.blocks.map((block) => block.type)).toContain('tool_use');
    const streamed = await shownMessages(page);

    await page.reload();
    await page.locator('li.message.assistant[data-status="complete"]').waitFor();
    expect(await shownMessages(page)).toEqual(streamed);
    expect(await snapshotOf(daemon, conversationId)).toEqual(snapshot);
  }, 90_000);
});
