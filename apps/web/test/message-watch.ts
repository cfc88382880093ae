// A watch on the page's message bubbles from its first script on, through every mutation:
// which bubble elements were created for which server id, whether two bubbles ever showed
// the same id at once, and the ids of the assistant bubbles after each change. Polling
// from the test would miss a bubble that lives between two polls; a MutationObserver does not.
import type { BrowserContext, Page } from 'playwright-core';

/** What the watch saw since the page (re)loaded. */
export interface MessageWatch {
  /** The `data-message-id` of every message element the moment it was first seen with one, in order. */
  readonly created: readonly string[];
  /** Ids shown by two elements at once; empty when no bubble ever appeared twice. */
  readonly duplicates: readonly string[];
  /** The assistant bubbles' ids (in order) after each change that altered them. */
  readonly assistantIds: readonly (readonly string[])[];
  /** The connection indicator's `data-status` after each change, consecutive repeats folded. */
  readonly statuses: readonly string[];
}

/**
 * Runs in every page before its own scripts and fills `window.__messageWatch`. A string,
 * as the tests compile without the DOM's types.
 */
const WATCH_MESSAGES = `
(() => {
  const created = [];
  const duplicates = [];
  const assistantIds = [];
  const statuses = [];
  const known = new WeakSet();
  window.__messageWatch = { created, duplicates, assistantIds, statuses };
  const look = () => {
    const shown = new Set();
    for (const item of document.querySelectorAll('li.message[data-message-id]')) {
      const id = item.getAttribute('data-message-id');
      if (shown.has(id)) duplicates.push(id);
      shown.add(id);
      if (!known.has(item)) {
        known.add(item);
        created.push(id);
      }
    }
    const assistants = [...document.querySelectorAll('li.message.assistant')].map(
      (item) => item.getAttribute('data-message-id') ?? '(no id)',
    );
    if (assistants.join() !== assistantIds.at(-1)?.join()) assistantIds.push(assistants);
    const status = document.querySelector('[data-testid="connection-status"]')?.getAttribute('data-status');
    if (status != null && status !== statuses.at(-1)) statuses.push(status);
  };
  new MutationObserver(look).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-message-id', 'data-status'],
  });
})();
`;

/** Installs the watch on every page `context` opens (and on every reload). */
export async function installMessageWatch(context: BrowserContext): Promise<void> {
  await context.addInitScript(WATCH_MESSAGES);
}

/** What the watch on `page` saw since it last loaded. */
export async function readMessageWatch(page: Page): Promise<MessageWatch> {
  const watch: MessageWatch | undefined = await page.evaluate('window.__messageWatch');
  if (watch === undefined) throw new Error('The message watch is not installed on this page.');
  return watch;
}
