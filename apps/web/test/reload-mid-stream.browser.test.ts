// Scenario 2 of the seed's test plan: the page reloaded while an answer streams shows the
// same bubble (the same `data-message-id`) carrying on to the end, never a second one.
import { describe, expect, it } from 'vitest';
import {
  browserMissing,
  eventually,
  settled,
  shownMessages,
  startConversation,
  startDemoDaemon,
  useBrowser,
} from './browser-fixture.ts';
import { readMessageWatch } from './message-watch.ts';

describe.skipIf(browserMissing)('a reload mid-stream', () => {
  const browser = useBrowser();

  it('keeps the streaming message’s id, and that bubble streams on to complete', async () => {
    // About 12 s of streaming: time to reload in the middle even on a busy machine.
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '40', '--demo-tokens', '300']);
    const { page } = await browser.openPage();
    await page.goto(daemon.url);
    const conversationId = await startConversation(page, 'Tell me about resuming streams');

    const streaming = page.locator('li.message.assistant[data-status="streaming"]');
    await eventually(async () => (await shownMessages(page)).at(-1)?.words.length ?? 0).toBeGreaterThan(20);
    const id = await streaming.getAttribute('data-message-id');
    expect(id).toMatch(/.+/);
    const before = await readMessageWatch(page);

    await page.reload();
    // The same bubble, still streaming, and growing.
    const again = page.locator(`li.message.assistant[data-message-id="${id}"]`);
    await again.locator('[data-testid="text-block"]').first().waitFor();
    const shownAfterReload = (await shownMessages(page)).at(-1)?.words.length ?? 0;
    await eventually(async () => (await shownMessages(page)).at(-1)?.words.length ?? 0).toBeGreaterThan(
      shownAfterReload,
    );
    await again.and(page.locator('[data-status="complete"]')).waitFor();

    const snapshot = await settled(page, daemon, conversationId, 2);
    const ids = snapshot.messages.map((message) => message.id);
    expect(ids[1]).toBe(id);
    const after = await readMessageWatch(page);
    // Before and after the reload, each load created one bubble per message, and no other.
    expect(before.created).toEqual(ids);
    expect(after.created).toEqual(ids);
    expect([...before.duplicates, ...after.duplicates]).toEqual([]);
    // After the reload the answer's bubble, once shown, never disappeared or changed id.
    const shown = after.assistantIds.findIndex((assistants) => assistants.length > 0);
    expect(after.assistantIds.slice(shown)).toEqual([[id]]);
  }, 120_000);
});
