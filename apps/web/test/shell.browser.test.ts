// The page shell in a real browser against a real daemon: the connection indicator tells
// the truth across a kill -9 and a lost network, the sidebar's rename and delete reach a
// second tab, and the event inspector counts exactly the events the daemon sent.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '@once/protocol';
import {
  chromiumMissing,
  createDaemonClient,
  launchChromium,
  openEventStream,
  readUntil,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const screenshots = join(root, 'docs', 'screenshots');
const missing = chromiumMissing('the shell browser test');
const POLL = { timeout: 30_000 };

/** The indicator's `data-status`: the client's ConnectionStatus. */
function connectionStatus(page: Page): Promise<string | null> {
  return page.getByTestId('connection-status').getAttribute('data-status');
}

/** A counter of the inspector, as the number it shows. */
async function counter(page: Page, name: 'received' | 'applied' | 'duplicates'): Promise<number> {
  return Number(await page.getByTestId(`inspector-${name}`).textContent());
}

/** The offsets of the inspector's rows, top to bottom. */
async function rowOffsets(page: Page): Promise<number[]> {
  const offsets = await page.getByTestId('inspector-row').evaluateAll((rows) => rows.map((row) => row.dataset.offset));
  return offsets.map(Number);
}

/** The conversation's sidebar entry. */
function sidebarItem(page: Page, conversationId: string) {
  return page.locator(`nav[aria-label="Conversations"] [data-conversation-id="${conversationId}"]`);
}

describe.skipIf(missing !== undefined)('web app shell in Chromium', () => {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  /** A fresh browser context (its own storage and network), closed after the test. */
  const newContext = async (options: Parameters<Browser['newContext']>[0] = {}) => {
    const context = await (browser as Browser).newContext(options);
    contexts.push(context);
    return context;
  };

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-web-if-stale.ts')], {
      cwd: root,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`Building the web app failed:\n${build.stdout}${build.stderr}`);
    mkdirSync(screenshots, { recursive: true });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await stopLeftoverDaemons();
  });

  it('shows reconnecting then live across a kill -9 and restart, and the inspector counts what the daemon sent', async () => {
    // 3,000 tokens 20 ms apart: the answer streams for a minute, so the kill lands mid-answer even on a busy machine.
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '20', '--demo-tokens', '3000'] });
    const api = createDaemonClient(daemon.url);
    const conversationId = await api.createConversation('Exactly once');
    const page = await (await newContext()).newPage();
    await page.goto(`${daemon.url}/#${conversationId}`);
    await expect.poll(() => connectionStatus(page), POLL).toBe('live');
    // The keyboard starts in the composer.
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Message' }).evaluate((element) => element.matches(':focus')), POLL)
      .toBe(true);

    const events = page.getByRole('button', { name: 'Events' });
    await events.click();
    expect(await events.getAttribute('aria-pressed')).toBe('true');
    const inspector = page.getByRole('complementary', { name: 'Event inspector' });
    await inspector.waitFor();
    await page.keyboard.press('Escape');
    await inspector.waitFor({ state: 'detached' });
    expect(await events.getAttribute('aria-pressed')).toBe('false');
    await events.click();

    await page.getByRole('textbox', { name: 'Message' }).fill('Tell me a long story');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    // Mid-answer: the daemon dies without a word.
    await page.locator('li.message.assistant[data-status="streaming"]').waitFor(POLL);
    await expect.poll(() => counter(page, 'received'), POLL).toBeGreaterThan(10);
    await daemon.kill('SIGKILL');
    await expect.poll(() => connectionStatus(page), POLL).toBe('reconnecting');
    const held = Math.max(...(await rowOffsets(page)));

    await daemon.restart();
    await expect.poll(() => connectionStatus(page), POLL).toBe('live');
    // Every attempt while the daemon was down, and the one that got through, asked to
    // resume right after the last event the page held, without a snapshot.
    const resumes = page.getByTestId('inspector-resumes').locator('li[data-offset]');
    const resumedAfter = () => resumes.evaluateAll((items) => items.map((item) => Number(item.dataset.offset)));
    const [start, ...reconnects] = await resumedAfter();
    expect(start).toBe(0);
    expect(reconnects.length).toBeGreaterThan(0);
    expect(new Set(reconnects)).toEqual(new Set([held]));
    expect(await resumes.last().textContent()).toBe(`offset ${held}`);
    // The restarted daemon ended the cut turn; the page shows the message interrupted.
    const lastStatus = async () => (await api.getSnapshot(conversationId)).messages.at(-1)?.status;
    await expect.poll(lastStatus, POLL).toBe('interrupted');
    await page.locator('li.message.assistant[data-status="interrupted"]').waitFor(POLL);

    // Every event the daemon holds arrived once: the rows are its stream, offset by offset.
    const head = await api.conversationHead(conversationId);
    await expect.poll(() => counter(page, 'received'), POLL).toBe(head);
    await using stream = await openEventStream(api.eventsUrl(conversationId, '?after=0'));
    const sent = (await readUntil(stream, 'ready')).events;
    expect(sent.map((event) => event.offset)).toEqual(Array.from({ length: head }, (_, index) => index + 1));
    expect(await rowOffsets(page)).toEqual(sent.map((event) => event.offset));
    const types = await page
      .getByTestId('inspector-row')
      .evaluateAll((rows) => rows.map((row) => row.children[1]?.textContent));
    expect(types).toEqual(sent.map((event) => event.type));
    expect(await counter(page, 'applied')).toBe(head);
    expect(await counter(page, 'duplicates')).toBe(0);
    await page.screenshot({ path: join(screenshots, 'inspector.png') });
  }, 180_000);

  it('shows offline while the browser has no network, and live again after', async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '0'] });
    const conversationId = await createDaemonClient(daemon.url).createConversation('Offline');
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${daemon.url}/#${conversationId}`);
    await expect.poll(() => connectionStatus(page), POLL).toBe('live');
    await context.setOffline(true);
    await expect.poll(() => connectionStatus(page), POLL).toBe('offline');
    await context.setOffline(false);
    await expect.poll(() => connectionStatus(page), POLL).toBe('live');
  }, 120_000);

  it("says Disconnected, with the daemon's reason, when the conversation does not exist", async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '0'] });
    const page = await (await newContext()).newPage();
    await page.goto(`${daemon.url}/#${newId()}`);
    await expect.poll(() => connectionStatus(page), POLL).toBe('closed');
    const indicator = page.getByTestId('connection-status');
    expect(await indicator.textContent()).toMatch(/^Disconnected: There is no conversation \S+ in this account\.$/);
    expect(await indicator.getAttribute('role')).toBe('status');
  }, 120_000);

  it('renames (Enter saves, Escape cancels) and deletes from the sidebar, and a second tab follows', async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '0'] });
    const api = createDaemonClient(daemon.url);
    const older = await api.createConversation('Older');
    const newer = await api.createConversation('Newer');
    const first = await (await newContext()).newPage();
    const second = await (await newContext()).newPage();
    await first.goto(`${daemon.url}/#${older}`);
    await second.goto(daemon.url);

    const ids = (page: Page) =>
      page
        .locator('nav[aria-label="Conversations"] [data-conversation-id]')
        .evaluateAll((items) => items.map((item) => item.dataset.conversationId));
    await expect.poll(() => ids(second), POLL).toEqual([newer, older]);
    expect(await sidebarItem(first, older).getByRole('link').getAttribute('aria-current')).toBe('page');
    expect(await sidebarItem(first, newer).getByRole('link').getAttribute('aria-current')).toBeNull();

    await sidebarItem(first, older).getByRole('button', { name: 'Rename' }).click();
    await first.getByRole('textbox', { name: 'Title' }).fill('Renamed in the first tab');
    await first.getByRole('textbox', { name: 'Title' }).press('Enter');
    await expect
      .poll(() => sidebarItem(second, older).getByRole('link').textContent(), POLL)
      .toBe('Renamed in the first tab');

    await sidebarItem(first, older).getByRole('button', { name: 'Rename' }).click();
    await first.getByRole('textbox', { name: 'Title' }).fill('Never saved');
    await first.getByRole('textbox', { name: 'Title' }).press('Escape');
    expect(await sidebarItem(first, older).getByRole('link').textContent()).toBe('Renamed in the first tab');
    expect((await api.getSnapshot(older)).conversation.title).toBe('Renamed in the first tab');

    // Deleting the conversation open in the first tab takes it to the first screen.
    await sidebarItem(first, older).getByRole('button', { name: 'Delete' }).click();
    await sidebarItem(first, older).getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => new URL(first.url()).hash, POLL).toBe('');
    await first.getByRole('heading', { name: 'What can I help with?' }).waitFor();
    await expect.poll(() => ids(second), POLL).toEqual([newer]);
    await expect.poll(() => ids(first), POLL).toEqual([newer]);
    expect((await api.request('GET', `/v1/conversations/${older}`)).status).toBe(404);
  }, 120_000);

  it('at phone width (here in the dark theme), opens the conversations in a drawer from the "Conversations" button', async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '0'] });
    const conversationId = await createDaemonClient(daemon.url).createConversation('On the phone');
    const page = await (
      await newContext({
        viewport: { width: 390, height: 844 },
        colorScheme: 'dark',
        // No slide-in: the screenshot shows the drawer where it ends up.
        reducedMotion: 'reduce',
      })
    ).newPage();
    await page.goto(daemon.url);
    const link = page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'On the phone' });
    const toggle = page.getByRole('button', { name: 'Conversations', exact: true });
    await toggle.waitFor();
    expect(await link.isVisible()).toBe(false);
    await toggle.click();
    await link.waitFor({ state: 'visible' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    // The keyboard moves into the drawer, and Escape closes it.
    await expect
      .poll(
        () => page.getByRole('button', { name: 'New conversation' }).evaluate((element) => element.matches(':focus')),
        POLL,
      )
      .toBe(true);
    await page.screenshot({ path: join(screenshots, 'phone-drawer.png') });
    await page.keyboard.press('Escape');
    await link.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await link.click();
    await expect.poll(() => new URL(page.url()).hash.slice(1), POLL).toBe(conversationId);
    await link.waitFor({ state: 'hidden' });
    await expect.poll(() => connectionStatus(page), POLL).toBe('live');
  }, 120_000);
});
