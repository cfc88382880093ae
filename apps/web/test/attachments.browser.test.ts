// Attaching an image in the web app against a real daemon: it uploads on send, shows in
// the message as a thumbnail that really decodes, and is still there after a reload. A
// file the daemon refuses shows the daemon's sentence and sends nothing.
import { createHash } from 'node:crypto';
import { tinyPng } from '@once/testing';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  answered,
  browserMissing,
  eventually,
  snapshotOf,
  startConversation,
  startDemoDaemon,
  useBrowser,
} from './browser-fixture.ts';

const png = tinyPng(5, 4, [20, 120, 220]);
const hash = createHash('sha256').update(png).digest('hex');

/** The width the browser decoded the thumbnail of the attachment at (0 while it is not loaded or broken). */
function thumbnailWidth(page: Page): Promise<number> {
  return page
    .locator(`li.message.user [data-attachment-hash="${hash}"] img`)
    .evaluate((image) => (image as unknown as { complete: boolean; naturalWidth: number }).naturalWidth);
}

describe.skipIf(browserMissing)('attachments in the web app', () => {
  const browser = useBrowser();

  it('sends an image picked with the paperclip, shows it in the message, and still after a reload', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '2', '--demo-tokens', '20']);
    const { page } = await browser.openPage();
    await page.goto(daemon.url);
    const conversationId = await startConversation(page, 'Hello');
    await answered(daemon, conversationId, 2);

    await page
      .getByLabel('Files to attach')
      .setInputFiles({ name: 'blue.png', mimeType: 'image/png', buffer: Buffer.from(png) });
    await expect(page.getByRole('list', { name: 'Files to send' }).textContent()).resolves.toContain('blue.png');
    await page.getByRole('textbox', { name: 'Message' }).fill('What colour is this?');
    await page.getByRole('button', { name: 'Send' }).click();

    await eventually(() => thumbnailWidth(page)).toBe(5);
    const snapshot = await answered(daemon, conversationId, 4);
    expect(snapshot.messages[2]?.attachments).toEqual([
      { hash, size: png.byteLength, mediaType: 'image/png', name: 'blue.png' },
    ]);
    expect(await page.getByRole('list', { name: 'Files to send' }).count()).toBe(0);

    await page.reload();
    await page.locator('li.message.assistant[data-status="complete"]').first().waitFor();
    await eventually(() => thumbnailWidth(page)).toBe(5);
    const link = page.locator(`li.message.user [data-attachment-hash="${hash}"] a`);
    expect(await link.getAttribute('href')).toBe(`${daemon.url}/v1/attachments/${hash}`);
  }, 120_000);

  it('shows the daemon’s sentence for a file it refuses, keeps the file and text in the composer, and sends nothing', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '2', '--demo-tokens', '20']);
    const { page } = await browser.openPage();
    await page.goto(daemon.url);
    const conversationId = await startConversation(page, 'Hello');
    await answered(daemon, conversationId, 2);

    await page
      .getByLabel('Files to attach')
      .setInputFiles({ name: 'archive.zip', mimeType: 'application/zip', buffer: Buffer.from([0x50, 0x4b, 3, 4]) });
    await page.getByRole('textbox', { name: 'Message' }).fill('Unpack this');
    await page.getByRole('button', { name: 'Send' }).click();

    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/does not take application\/zip/);
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Unpack this');
    expect(await page.getByRole('list', { name: 'Files to send' }).textContent()).toContain('archive.zip');
    expect((await snapshotOf(daemon, conversationId)).messages).toHaveLength(2);
  }, 120_000);

  it('starts a conversation from the first screen with only an image, titled after the file', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '2', '--demo-tokens', '20']);
    const { page } = await browser.openPage();
    await page.goto(daemon.url);
    await page
      .getByLabel('Files to attach')
      .setInputFiles({ name: 'blue.png', mimeType: 'image/png', buffer: Buffer.from(png) });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(/#.+/);
    const conversationId = new URL(page.url()).hash.slice(1);
    await eventually(() => thumbnailWidth(page)).toBe(5);
    const snapshot = await answered(daemon, conversationId, 2);
    expect(snapshot.messages[0]?.attachments?.[0]?.hash).toBe(hash);
    expect(snapshot.conversation.title).toBe('blue.png');
  }, 120_000);
});
