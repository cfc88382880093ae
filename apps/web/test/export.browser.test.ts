// The conversation header's Export menu in Chromium against a real daemon: each choice
// downloads the file the daemon's export endpoint gives, under its suggested name.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserMissing, settled, startConversation, startDemoDaemon, useBrowser } from './browser-fixture.ts';

/** Opens the Export menu, picks `label`, and returns the download's name and text. */
async function download(page: Page, label: string): Promise<{ name: string; text: string }> {
  await page.getByText('Export', { exact: true }).click();
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: label, exact: true }).click(),
  ]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}

describe.skipIf(browserMissing)('export from the web app', () => {
  const browser = useBrowser();

  it('downloads the conversation as Markdown, JSON and events from the header menu', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '2', '--demo-tokens', '40']);
    const { page } = await browser.openPage({ acceptDownloads: true });
    await page.goto(daemon.url);
    const conversationId = await startConversation(page, 'Export this please');
    const snapshot = await settled(page, daemon, conversationId, 2);
    const day = snapshot.conversation.createdAt.slice(0, 10);
    const answer = snapshot.messages[1]?.blocks.find((block) => block.type === 'text');

    const markdown = await download(page, 'Markdown');
    expect(markdown.name).toBe(`export-this-please-${day}.md`);
    expect(markdown.text).toMatch(/^# Export this please\n\n## User · .+\n\nExport this please\n\n## Assistant/);
    expect(markdown.text).toContain(answer?.type === 'text' ? answer.text.trim().split('\n')[0] : 'an answer');
    // The menu closed once a choice was made.
    await expect.poll(() => page.getByRole('link', { name: 'Markdown', exact: true }).isVisible()).toBe(false);

    // Escape, or a click elsewhere, closes it too.
    const exportMenu = page.getByText('Export', { exact: true });
    const markdownLink = page.getByRole('link', { name: 'Markdown', exact: true });
    await exportMenu.click();
    await expect.poll(() => markdownLink.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => markdownLink.isVisible()).toBe(false);
    await exportMenu.click();
    await page.getByRole('textbox', { name: 'Message' }).click();
    await expect.poll(() => markdownLink.isVisible()).toBe(false);

    const json = await download(page, 'JSON');
    expect(json.name).toBe(`export-this-please-${day}.json`);
    expect(JSON.parse(json.text)).toEqual(snapshot);

    const events = await download(page, 'Events (NDJSON)');
    expect(events.name).toBe(`export-this-please-${day}.ndjson`);
    const response = await fetch(`${daemon.url}/v1/conversations/${conversationId}/events?after=0&limit=1000`);
    const stored = (await response.json()) as { events: unknown[] };
    expect(
      events.text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(stored.events);
  }, 120_000);
});
