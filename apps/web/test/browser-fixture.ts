// What every browser test of the web app shares: the page built when stale, one Chromium
// per test file, a real daemon per test, pages whose contexts close after each test, and
// ways to read what the page shows next to what the daemon holds.
import { join } from 'node:path';
import type { MessageSnapshot } from '@once/protocol';
import {
  chromiumMissing,
  createDaemonClient,
  type DaemonProcess,
  launchChromium,
  type SnapshotResponse,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { buildWebAppIfStale } from './browser-helpers.ts';
import { installMessageWatch } from './message-watch.ts';

/** The repository's root folder. */
export const root = join(import.meta.dirname, '..', '..', '..');

/** Why the browser tests cannot run here, or undefined; for `describe.skipIf(browserMissing)`. */
export const browserMissing = chromiumMissing('the web app browser test') !== undefined;

/** A turn can take long on a busy 2-core machine: waits on the page allow this much. */
export const TURN_TIMEOUT_MS = 60_000;

/**
 * `expect.poll` with the generous timeout every wait on a page needs (vitest's default is
 * one second): `await eventually(() => connectionStatus(page)).toBe('live')`.
 */
export function eventually<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: TURN_TIMEOUT_MS, interval: 100 });
}

/** One message as the page shows it. */
export interface ShownMessage {
  readonly role: 'user' | 'assistant';
  /** The server's id, `data-message-id`. */
  readonly id: string | undefined;
  readonly status: string | undefined;
  /** The words of its text blocks (see {@link wordsOf}). */
  readonly words: readonly string[];
}

/** What a browser test gets from {@link useBrowser}. */
export interface BrowserFixture {
  /**
   * A new browser context (closed after the test) with the message watch installed, and
   * its first page. `options` go to `browser.newContext`.
   */
  openPage(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
}

/**
 * Registers the hooks of a browser test file: builds the web app if its sources changed,
 * launches Chromium once, and after each test closes the contexts it opened and kills any
 * daemon left running. Call it at the top of the `describe`.
 */
export function useBrowser(): BrowserFixture {
  let browser: Browser | undefined;
  const contexts = new Set<BrowserContext>();

  beforeAll(async () => {
    buildWebAppIfStale();
    browser = await launchChromium();
  }, 180_000);

  afterEach(async () => {
    await Promise.all([...contexts].map((context) => context.close()));
    contexts.clear();
    await stopLeftoverDaemons();
  });

  afterAll(async () => {
    await browser?.close();
  });

  return {
    async openPage(options = {}) {
      if (browser === undefined) throw new Error('Chromium is not running: call openPage inside a test.');
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
      contexts.add(context);
      await installMessageWatch(context);
      const page = await context.newPage();
      page.setDefaultTimeout(TURN_TIMEOUT_MS);
      return { context, page };
    },
  };
}

/** A daemon running the demo model with `flags`; `await using` kills it. */
export function startDemoDaemon(flags: readonly string[]): Promise<DaemonProcess> {
  return startDaemon({ flags });
}

/** Types `text` in the composer and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** On the first screen: sends the first message, waits for the new conversation to open, returns its id. */
export async function startConversation(page: Page, text: string): Promise<string> {
  await send(page, text);
  await page.waitForURL(/#.+/);
  return new URL(page.url()).hash.slice(1);
}

/** The connection indicator's status (`data-status`: live, reconnecting…). */
export function connectionStatus(page: Page): Promise<string | null> {
  return page.getByTestId('connection-status').getAttribute('data-status');
}

/** The words of a text, without markdown syntax, so rendered and source text compare. */
export function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Every message the page shows, in order. */
export async function shownMessages(page: Page): Promise<ShownMessage[]> {
  const items: { role: 'user' | 'assistant'; id?: string; status?: string; text: string }[] =
    await page.evaluate(SHOWN_MESSAGES);
  return items.map(({ text, ...item }) => ({ id: undefined, status: undefined, ...item, words: wordsOf(text) }));
}

/**
 * Reads the message bubbles in the page. A string, as the tests compile without the DOM's
 * types. A block's text is its text nodes joined by spaces, not its `innerText`, which
 * Chromium leaves out for some code blocks of a long list (those far off screen).
 */
const SHOWN_MESSAGES = `
(() => {
const textOf = (element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode.textContent);
  return texts.join(' ');
};
return [...document.querySelectorAll('li.message')].map((item) => ({
  role: item.classList.contains('user') ? 'user' : 'assistant',
  id: item.getAttribute('data-message-id') ?? undefined,
  status: item.getAttribute('data-status') ?? undefined,
  text: [...item.querySelectorAll('[data-testid="text-block"]')].map(textOf).join('\\n'),
}));
})()
`;

/** The messages of a daemon snapshot as the page should show them. */
export function expectedMessages(snapshot: SnapshotResponse): ShownMessage[] {
  return snapshot.messages.map((message: MessageSnapshot) => ({
    role: message.role === 'user' ? 'user' : 'assistant',
    id: message.id,
    status: message.status,
    words: wordsOf(message.blocks.map((block) => (block.type === 'text' ? block.text : '')).join('\n')),
  }));
}

/** The daemon's snapshot of a conversation. */
export function snapshotOf(daemon: DaemonProcess, conversationId: string): Promise<SnapshotResponse> {
  return createDaemonClient(daemon.url).getSnapshot(conversationId);
}

/** Waits until the daemon has answered everything (`messages` messages, no turn running); returns its snapshot. */
export async function answered(daemon: DaemonProcess, conversationId: string, messages: number) {
  let snapshot: SnapshotResponse | undefined;
  await eventually(async () => {
    snapshot = await snapshotOf(daemon, conversationId);
    const done = snapshot.messages.every((message) => message.status !== 'streaming');
    return snapshot.activeTurn === undefined && done ? snapshot.messages.length : -1;
  }).toBe(messages);
  return snapshot as SnapshotResponse;
}

/**
 * Waits until the daemon has answered everything (see {@link answered}) and the page shows
 * exactly what its snapshot holds; returns that snapshot.
 */
export async function settled(page: Page, daemon: DaemonProcess, conversationId: string, messages: number) {
  const snapshot = await answered(daemon, conversationId, messages);
  await eventually(() => shownMessages(page)).toEqual(expectedMessages(snapshot));
  return snapshot;
}
