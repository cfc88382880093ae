// Branches in the web app, in Chromium against a real daemon (decision 022): Regenerate
// adds an alternative answer, Edit adds an alternative question, the "‹ 1 / 2 ›" switcher
// moves between them, and a reload shows the same path.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  answered,
  browserMissing,
  connectionStatus,
  eventually,
  shownMessages,
  startConversation,
  startDemoDaemon,
  useBrowser,
} from './browser-fixture.ts';

/** The ids of the messages the page shows, in order: the current path. */
async function shownIds(page: Page): Promise<(string | undefined)[]> {
  return (await shownMessages(page)).map((message) => message.id);
}

/** The message's switcher text ("1 / 2"), or null when it shows none. */
function position(page: Page, id: string): Promise<string | null> {
  return page.locator(`li.message[data-message-id="${id}"] .branch-position`).textContent({ timeout: 60_000 });
}

/** Clicks a button of one message once it is enabled (no turn runs). */
async function click(page: Page, id: string, name: string): Promise<void> {
  const button = page.locator(`li.message[data-message-id="${id}"]`).getByRole('button', { name, exact: true });
  await eventually(() => button.isEnabled()).toBe(true);
  await button.click();
}

describe.skipIf(browserMissing)('branches in the web app', () => {
  const browser = useBrowser();

  it('regenerate, edit and switch show only the current path, the same after a reload', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '1', '--demo-tokens', '20']);
    const { page } = await browser.openPage();
    await page.goto(daemon.url);
    const conversationId = await startConversation(page, 'Hello there');
    await eventually(() => connectionStatus(page)).toBe('live');
    const [q1, a1] = (await answered(daemon, conversationId, 2)).messages.map((message) => message.id as string);
    if (q1 === undefined || a1 === undefined) throw new Error('The first turn left no question and answer.');
    await eventually(() => shownIds(page)).toEqual([q1, a1]);

    // Regenerate: a second answer replaces the first on the page; both stay, "2 / 2".
    await click(page, a1, 'Regenerate');
    const a2 = (await answered(daemon, conversationId, 3)).messages[2]?.id as string;
    await eventually(() => shownIds(page)).toEqual([q1, a2]);
    expect(await position(page, a2)).toBe('2 / 2');

    // Back to the first answer.
    await click(page, a2, 'Previous alternative');
    await eventually(() => shownIds(page)).toEqual([q1, a1]);
    expect(await position(page, a1)).toBe('1 / 2');

    // Edit the question: a new branch, answered; the old question is its alternative.
    await click(page, q1, 'Edit');
    await page.getByRole('textbox', { name: 'Edited message' }).fill('Hello again, edited');
    await page.getByRole('button', { name: 'Save & send' }).click();
    const edited = await answered(daemon, conversationId, 5);
    const [q2, a3] = [edited.messages[3]?.id as string, edited.messages[4]?.id as string];
    expect(edited.messages[3]).toMatchObject({ role: 'user', replaces: q1 });
    await eventually(() => shownIds(page)).toEqual([q2, a3]);
    expect(await position(page, q2)).toBe('2 / 2');

    await page.reload();
    await eventually(() => shownIds(page)).toEqual([q2, a3]);

    // The first question's branch ends at its newest answer; a reload keeps the choice.
    await click(page, q2, 'Previous alternative');
    await eventually(() => shownIds(page)).toEqual([q1, a2]);
    await page.reload();
    await eventually(() => shownIds(page)).toEqual([q1, a2]);
    expect(await position(page, a2)).toBe('2 / 2');
  }, 120_000);
});
