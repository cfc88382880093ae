// A long conversation opens on its latest page; scrolling to the top loads older pages
// above what the user was reading, until every message shows once, in order.
import { createDaemonClient } from '@once/testing';
import { describe, expect, it } from 'vitest';
import {
  answered,
  browserMissing,
  eventually,
  expectedMessages,
  shownMessages,
  startDemoDaemon,
  TURN_TIMEOUT_MS,
  useBrowser,
} from './browser-fixture.ts';

const TURNS = 12;
const PAGE_SIZE = 6;

/** Scrolls the message list to its bottom, then to its top: what a user reading back does. */
const SCROLL_TO_TOP = `(async () => {
  const list = document.querySelector('ol.messages');
  list.scrollTop = list.scrollHeight;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  list.scrollTop = 0;
})()`;

/** Where the message `id` sits below the top of the list, in pixels, and how far the list is scrolled. */
const POSITION_OF = (id: string) => `(() => {
  const list = document.querySelector('ol.messages');
  const item = document.querySelector('li.message[data-message-id="${id}"]');
  return { below: item.getBoundingClientRect().top - list.getBoundingClientRect().top, scrollTop: list.scrollTop };
})()`;

describe.skipIf(browserMissing)('a long conversation opened in pages', () => {
  const browser = useBrowser();

  it(
    'shows the latest messages first, then older pages as the user scrolls up, each message once and in order',
    async () => {
      await using daemon = await startDemoDaemon(['--demo-delay-ms', '1', '--demo-tokens', '40']);
      const client = createDaemonClient(daemon.url);
      const conversationId = await client.createConversation('A long conversation');
      for (let turn = 1; turn <= TURNS; turn += 1) {
        await client.sendMessage(conversationId, `Question number ${turn}`);
        await answered(daemon, conversationId, turn * 2);
      }
      const all = expectedMessages(await answered(daemon, conversationId, TURNS * 2));

      const { page } = await browser.openPage({ viewport: { width: 900, height: 500 } });
      await page.goto(`${daemon.url}/?pageSize=${PAGE_SIZE}#${conversationId}`);
      await eventually(() => shownMessages(page)).toEqual(all.slice(-PAGE_SIZE));
      await expect(page.getByTestId('older-messages').textContent()).resolves.toContain(
        `Show ${all.length - PAGE_SIZE} older messages`,
      );

      for (let shown = PAGE_SIZE; shown < all.length; shown += PAGE_SIZE) {
        const reading = all[all.length - shown]?.id as string;
        await page.evaluate(SCROLL_TO_TOP);
        const next = Math.min(all.length, shown + PAGE_SIZE);
        await eventually(() => shownMessages(page)).toEqual(all.slice(-next));
        // The page landed above: the message the user was reading stays in view, not pushed down.
        const position: { below: number; scrollTop: number } = await page.evaluate(POSITION_OF(reading));
        expect(position.scrollTop).toBeGreaterThan(0);
        expect(position.below).toBeLessThan(500);
      }
      await expect(page.getByTestId('older-messages').count()).resolves.toBe(0);
      const ids = (await shownMessages(page)).map((message) => message.id);
      expect(new Set(ids).size).toBe(all.length);
    },
    3 * TURN_TIMEOUT_MS,
  );
});
