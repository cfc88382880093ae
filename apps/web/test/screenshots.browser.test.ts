// Screenshots of the web app's main views for docs/screenshots/ (the README shows one):
// the first screen, light, dark and phone width. (inspector.png, the event inspector open,
// is written by shell.browser.test.ts: its message ids and counts differ run to run, so
// one test writing it is enough.) The same prompts to the demo
// model on a fixed viewport give the same pixels each run, so the files change only when
// the page does.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonProcess } from '@once/testing';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, it } from 'vitest';
import {
  browserMissing,
  root,
  send,
  settled,
  startConversation,
  startDemoDaemon,
  useBrowser,
} from './browser-fixture.ts';

const folder = join(root, 'docs', 'screenshots');
const DESKTOP = { viewport: { width: 1280, height: 800 } } as const;
const PHONE = { viewport: { width: 390, height: 844 } } as const;

/** The conversation every screenshot shows: an answer with a list and code, then a tool call. */
const PROMPTS = ['How does Once resume a stream?', 'Please use calculator {"operation": "multiply", "a": 6, "b": 7}'];

/** Runs in the page (a string: the tests compile without the DOM's types). */
const SCROLL_TO_THE_END = `
document.fonts.ready.then(() => {
  for (let element = document.querySelector('li.message:last-child'); element !== null; element = element.parentElement) {
    if (element.scrollHeight > element.clientHeight) element.scrollTop = element.scrollHeight;
  }
})
`;

describe.skipIf(browserMissing)('screenshots of the web app', () => {
  const browser = useBrowser();

  /** Opens the page, runs the two demo turns to the end, and returns it, still and unfocused. */
  async function demoConversation(options: BrowserContextOptions, daemon: DaemonProcess): Promise<Page> {
    const { page } = await browser.openPage({ reducedMotion: 'reduce', ...options });
    await page.goto(daemon.url);
    const conversationId = await startConversation(page, PROMPTS[0] as string);
    await settled(page, daemon, conversationId, 2);
    await send(page, PROMPTS[1] as string);
    await settled(page, daemon, conversationId, 4);
    await page.evaluate('document.activeElement?.blur()');
    await scrollToTheEnd(page);
    return page;
  }

  /**
   * Scrolls the boxes holding the messages to their end, where a person reading the
   * conversation would be, twice: code blocks highlighted late change the height in between.
   */
  async function scrollToTheEnd(page: Page): Promise<void> {
    for (let pass = 0; pass < 2; pass += 1) {
      await page.evaluate(SCROLL_TO_THE_END);
      await page.waitForTimeout(500);
    }
  }

  async function shoot(page: Page, name: string): Promise<void> {
    mkdirSync(folder, { recursive: true });
    await page.screenshot({ path: join(folder, `${name}.png`), animations: 'disabled', caret: 'hide' });
  }

  it('the first screen', async () => {
    await using daemon = await startDemoDaemon([]);
    const { page } = await browser.openPage(DESKTOP);
    await page.goto(daemon.url);
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    await shoot(page, 'first-screen');
  }, 60_000);

  it('a conversation, light', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '1']);
    await shoot(await demoConversation({ ...DESKTOP, colorScheme: 'light' }, daemon), 'chat-light');
  }, 90_000);

  it('a conversation, dark', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '1']);
    await shoot(await demoConversation({ ...DESKTOP, colorScheme: 'dark' }, daemon), 'chat-dark');
  }, 90_000);

  it('a conversation at phone width', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '1']);
    await shoot(await demoConversation({ ...PHONE, colorScheme: 'light' }, daemon), 'chat-phone');
  }, 90_000);
});
