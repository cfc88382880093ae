// Opening the example in a browser tab, and what a test reads from it: the chat's status,
// and every message id the tab ever showed (a bubble that appeared under another id and
// vanished again is a fork the final page no longer shows).
import type { BrowserContext, Page } from 'playwright-core';

/** Where the page is served and which daemon, token and transport it uses. */
export interface ChatPageOptions {
  /** The static server's origin. */
  readonly appOrigin: string;
  /** The daemon's address as the page reaches it (the daemon itself, or a proxy to it). */
  readonly baseUrl: string;
  readonly token: string;
  readonly transport: 'once' | 'default';
  /** An existing conversation; the page creates one when undefined. */
  readonly conversationId?: string;
}

/** Longest wait for the page to open its conversation. */
const OPEN_TIMEOUT_MS = 30_000;
const SEEN_IDS_KEY = 'once-test-seen-message-ids';

/** The page's URL for these options, as a user would bookmark it. */
export function chatPageUrl(options: ChatPageOptions): string {
  const query = new URLSearchParams({ once: options.baseUrl, token: options.token, transport: options.transport });
  if (options.conversationId !== undefined) query.set('conversation', options.conversationId);
  return `${options.appOrigin}/?${query}`;
}

/** Opens the page in a new tab of `context` and waits until its chat is ready. */
export async function openChatPage(
  context: BrowserContext,
  options: ChatPageOptions,
): Promise<{ page: Page; conversationId: string }> {
  const page = await context.newPage();
  await page.addInitScript(WATCH_MESSAGE_IDS);
  await page.goto(chatPageUrl(options));
  await page.locator('[data-chat-status]:not([data-chat-status="failed"])').waitFor({ timeout: OPEN_TIMEOUT_MS });
  const conversationId = new URL(page.url()).searchParams.get('conversation');
  if (conversationId === null) throw new Error(`The page did not put a conversation in its URL: ${page.url()}`);
  return { page, conversationId };
}

/** The chat's status as the page shows it: useChat's status, or `reconnecting`. */
export async function chatStatus(page: Page): Promise<string | null> {
  return page.locator('[data-chat-status]').first().getAttribute('data-chat-status');
}

/** Types a message and sends it with Enter, as a user would. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** Every message id this tab showed since it opened (across reloads), and whether one ever showed twice at once. */
export async function seenMessageIds(page: Page): Promise<{ ids: string[]; shownTwice: string[] }> {
  const stored: string | null = await page.evaluate(`sessionStorage.getItem(${JSON.stringify(SEEN_IDS_KEY)})`);
  return stored === null ? { ids: [], shownTwice: [] } : JSON.parse(stored);
}

/**
 * Runs in the page before its scripts: records each `data-message-id` the DOM ever holds,
 * in sessionStorage so a reload keeps the record. A string, as the tests compile without
 * the DOM's types.
 */
const WATCH_MESSAGE_IDS = `
(() => {
  const key = ${JSON.stringify(SEEN_IDS_KEY)};
  const record = JSON.parse(sessionStorage.getItem(key) ?? '{"ids":[],"shownTwice":[]}');
  const look = () => {
    const shown = [...document.querySelectorAll('[data-message-id]')].map((element) => element.getAttribute('data-message-id'));
    let changed = false;
    shown.forEach((id, index) => {
      if (!record.ids.includes(id)) { record.ids.push(id); changed = true; }
      if (shown.indexOf(id) !== index && !record.shownTwice.includes(id)) { record.shownTwice.push(id); changed = true; }
    });
    if (changed) sessionStorage.setItem(key, JSON.stringify(record));
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-message-id'] });
})();
`;
