// The web app in a real browser against a real daemon: a streamed answer shows each word
// once, and a reload shows the same text again, once.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chromiumMissing, launchChromium, startDaemon, stopLeftoverDaemons } from '@once/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getSnapshot } from '../../daemon/test/daemon-api.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const missing = chromiumMissing('the browser test');

/**
 * The words of a text, without markdown syntax, so rendered and source text compare (a
 * fence's language stays: the page shows it above the code block).
 */
function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The text blocks of the last assistant message as the page shows them. */
async function shownAnswer(page: Page): Promise<string> {
  const blocks = page.locator('li.message.assistant').last().locator('[data-testid="text-block"]');
  return (await blocks.allInnerTexts()).join('\n');
}

describe.skipIf(missing !== undefined)('web app in Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-web-if-stale.ts')], {
      cwd: root,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`Building the web app failed:\n${build.stdout}${build.stderr}`);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(stopLeftoverDaemons);

  it('streams an answer with a tool call exactly once, and shows the same after a reload', async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '2', '--demo-tokens', '60'] });
    const context = await (browser as Browser).newContext();
    try {
      const page = await context.newPage();
      await page.goto(daemon.url);
      // The first screen has a place to type: the first message starts the conversation.
      await page.getByRole('textbox', { name: 'Message' }).fill('Use a tool please');
      await page.getByRole('textbox', { name: 'Message' }).press('Enter');
      await page.waitForURL(/#.+/);
      const conversationId = new URL(page.url()).hash.slice(1);
      await expect
        .poll(() => page.getByTestId('connection-status').getAttribute('data-status'), { timeout: 30_000 })
        .toBe('live');
      await page.locator('li.message.assistant[data-status="complete"]').waitFor({ timeout: 30_000 });

      const snapshot = await getSnapshot(daemon.url, conversationId);
      const answer = snapshot.messages.findLast((message) => message.role === 'assistant');
      const expected = (answer?.blocks ?? []).map((block) => (block.type === 'text' ? block.text : '')).join('\n');
      expect(answer?.status).toBe('complete');
      expect(answer?.blocks.map((block) => block.type)).toContain('tool_use');
      expect(wordsOf(await shownAnswer(page))).toEqual(wordsOf(expected));
      await expect.poll(() => page.locator('li.message.user').count()).toBe(1);

      await page.reload();
      await page.locator('li.message.assistant[data-status="complete"]').waitFor();
      expect(await page.locator('li.message.assistant').count()).toBe(1);
      expect(await page.locator('li.message.user').count()).toBe(1);
      expect(wordsOf(await shownAnswer(page))).toEqual(wordsOf(expected));
    } finally {
      await context.close();
    }
  }, 90_000);
});
