// What the web app's browser tests share: a current build of the page, and a conversation
// started the way a person starts one.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const root = join(import.meta.dirname, '..', '..', '..');

/** Builds apps/web/dist when it is older than its sources (see scripts/build-web-if-stale.ts). */
export function buildWebAppIfStale(): void {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-web-if-stale.ts')], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`Building the web app failed:\n${build.stdout}${build.stderr}`);
}

/**
 * Opens the page, types `text` into the first screen's composer and presses Enter, and
 * returns the new conversation's id once the page shows it.
 */
export async function startConversation(page: Page, url: string, text: string): Promise<string> {
  await page.goto(url);
  const message = page.getByRole('textbox', { name: 'Message' });
  await message.fill(text);
  await message.press('Enter');
  await page.waitForURL(/#.+/);
  return new URL(page.url()).hash.slice(1);
}

/** The last assistant message, once it has ended with `status`. */
export async function finishedAnswer(page: Page, status = 'complete') {
  const answer = page.locator(`li.message.assistant[data-status="${status}"]`).last();
  await answer.waitFor({ timeout: 60_000 });
  return answer;
}
