// App events in the web app, in a real Chromium against a real daemon: an event a tool
// writes with `emit(type, data)` shows as a fallback card after the answer it came in,
// while the answer streams, and in the same place with the same content after a reload
// and after a daemon restart (the snapshot keeps it; the page replays nothing).
import { join } from 'node:path';
import { chromiumMissing, launchChromium, startDaemon, stopLeftoverDaemons } from '@once/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getSnapshot } from '../../daemon/test/daemon-api.ts';
import { buildWebAppIfStale, finishedAnswer, startConversation } from './browser-helpers.ts';

const missing = chromiumMissing('the app event tests');
const CONFIG = join(import.meta.dirname, 'configs', 'app-events.config.ts');
// Real daemon processes and a browser on a machine that may be busy: generous, never a timing assertion.
const BROWSER_TEST_MS = 180_000;
const EVENT = { service: 'api', percent: 40, steps: ['build', 'ship'] };

/** What a person sees of the page's app event cards: where each is and what it says. */
async function shownCards(page: Page) {
  return page.locator('ol.messages > li').evaluateAll((items) =>
    items.flatMap((item, position) =>
      [...item.querySelectorAll('[data-testid="app-event-card"]')].map((card) => ({
        position,
        // The message the card follows, when it stands on its own between messages.
        after: item.classList.contains('app-event-item')
          ? items[position - 1]?.getAttribute('data-message-id')
          : item.getAttribute('data-message-id'),
        label: card.getAttribute('aria-label'),
        title: card.querySelector('.card-title')?.textContent,
        data: JSON.parse(card.querySelector('pre')?.textContent ?? 'null'),
      })),
    ),
  );
}

describe.skipIf(missing !== undefined)('app events in the web app', () => {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    const context = await (browser as Browser).newContext();
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    buildWebAppIfStale();
    browser = await launchChromium();
  }, BROWSER_TEST_MS);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await stopLeftoverDaemons();
  });

  it(
    'shows a tool’s app event as a card while the answer streams, and the same card in the same place after a reload',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG] });
      const page = await newPage();
      await startConversation(page, daemon.url, 'Please deploy {"service": "api", "hold": true}');
      const cards = page.getByTestId('app-event-card');
      await cards.first().waitFor({ timeout: 60_000 });

      const answer = page.locator('li.message.assistant').last();
      // The tool holds the turn open: the answer is still streaming.
      expect(await answer.getAttribute('data-status')).toBe('streaming');
      const answerId = await answer.getAttribute('data-message-id');
      const before = await shownCards(page);
      expect(before).toEqual([
        { position: 2, after: answerId, label: 'deploy_progress event', title: 'deploy_progress', data: EVENT },
      ]);

      await page.reload();
      await cards.first().waitFor({ timeout: 60_000 });
      expect(await page.locator('li.message.assistant').last().getAttribute('data-status')).toBe('streaming');
      expect(await shownCards(page)).toEqual(before);
    },
    BROWSER_TEST_MS,
  );

  it(
    'keeps the card of a finished answer after a reload and after the daemon restarts',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG] });
      const page = await newPage();
      const conversationId = await startConversation(page, daemon.url, 'Please deploy {"service": "api"}');
      const answer = await finishedAnswer(page);
      const answerId = await answer.getAttribute('data-message-id');
      const before = await shownCards(page);
      expect(before).toEqual([
        { position: 2, after: answerId, label: 'deploy_progress event', title: 'deploy_progress', data: EVENT },
      ]);

      // The history endpoint holds the event, placed after the answer.
      const snapshot = await getSnapshot(daemon.url, conversationId);
      expect(snapshot.appEvents).toMatchObject([{ type: 'deploy_progress', data: EVENT, afterMessageId: answerId }]);

      await page.reload();
      await finishedAnswer(page);
      await expect.poll(() => shownCards(page), { timeout: 60_000 }).toEqual(before);

      await daemon.kill('SIGTERM');
      await daemon.restart();
      expect((await getSnapshot(daemon.url, conversationId)).appEvents).toEqual(snapshot.appEvents);
      await page.reload();
      await finishedAnswer(page);
      await expect.poll(() => shownCards(page), { timeout: 60_000 }).toEqual(before);
    },
    BROWSER_TEST_MS,
  );
});
