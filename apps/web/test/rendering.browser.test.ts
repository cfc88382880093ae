// How the web app renders a conversation, in a real Chromium against a real daemon: code
// blocks highlighted with a working copy button, tool calls as one card each, approvals
// answered from the page, thinking folded, surfaces, a stopped answer, dark theme and a
// phone-width screen.
import { join } from 'node:path';
import { chromiumMissing, launchChromium, startDaemon, stopLeftoverDaemons } from '@once/testing';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getSnapshot } from '../../daemon/test/daemon-api.ts';
import { buildWebAppIfStale, finishedAnswer, startConversation } from './browser-helpers.ts';

// The few browser globals the functions run in the page use: the tests compile without the DOM library.
declare const document: { readonly documentElement: { readonly scrollWidth: number; readonly clientWidth: number } };
declare const navigator: { readonly clipboard: { readText(): Promise<string> } };
declare function getComputedStyle(element: unknown): { readonly color: string; readonly backgroundColor: string };

const missing = chromiumMissing('the rendering tests');
const CONFIG = join(import.meta.dirname, 'configs', 'rendering.config.ts');
const FAST_DEMO = ['--demo-delay-ms', '2', '--demo-tokens', '40'];
// Real daemon processes and a browser on a machine that may be busy: generous, never a timing assertion.
const BROWSER_TEST_MS = 120_000;

describe.skipIf(missing !== undefined)('web app rendering in Chromium', () => {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  /** A fresh browser context, closed after the test. */
  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await (browser as Browser).newContext(options);
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    buildWebAppIfStale();
    browser = await launchChromium();
  }, BROWSER_TEST_MS);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await stopLeftoverDaemons();
  });

  it(
    'highlights a code block, and its copy button puts the code on the clipboard',
    async () => {
      await using daemon = await startDaemon({ flags: FAST_DEMO });
      const page = await newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
      const conversationId = await startConversation(page, daemon.url, 'Show me how a stream resumes');
      const answer = await finishedAnswer(page);

      const codeBlock = answer.locator('[data-streamdown="code-block"]');
      await expect.poll(() => codeBlock.count()).toBe(1);
      // Shiki colours each token: the keyword `const` and the number are in different colours.
      const colours = async () =>
        codeBlock
          .locator('pre code span span')
          .evaluateAll((spans) => new Set(spans.map((span) => getComputedStyle(span).color)).size);
      await expect.poll(colours, { timeout: 30_000 }).toBeGreaterThan(1);

      const snapshot = await getSnapshot(daemon.url, conversationId);
      const text = snapshot.messages.at(-1)?.blocks.find((block) => block.type === 'text');
      const fenced = /```ts\n([\s\S]*?)```/.exec(text?.type === 'text' ? text.text : '')?.[1];
      expect(fenced).toContain('stream.resume({ after: offset });');

      await codeBlock.getByRole('button', { name: 'Copy Code' }).click();
      const copied = () => page.evaluate(() => navigator.clipboard.readText());
      await expect.poll(async () => (await copied()).trimEnd()).toBe(fenced?.trimEnd());
    },
    BROWSER_TEST_MS,
  );

  it(
    'keeps the page working when the code highlighter cannot load (the daemon went away first): the code shows as plain text',
    async () => {
      await using daemon = await startDaemon({ flags: FAST_DEMO });
      const page = await newPage();
      // The page's own script loads; every chunk it would fetch later (Shiki's highlighter
      // among them) fails as it does when the daemon is down at that moment.
      const entry = /src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(daemon.url)).text())?.[1];
      await page.route('**/assets/*.js', (route) =>
        new URL(route.request().url()).pathname === entry ? route.continue() : route.abort('connectionrefused'),
      );
      const conversationId = await startConversation(page, daemon.url, 'Show me how a stream resumes');
      const answer = await finishedAnswer(page);

      const snapshot = await getSnapshot(daemon.url, conversationId);
      const text = snapshot.messages.at(-1)?.blocks.find((block) => block.type === 'text');
      expect(await answer.getByTestId('text-block').textContent()).toContain('stream.resume({ after: offset });');
      expect(text?.type === 'text' ? text.text : '').toContain('stream.resume({ after: offset });');
      expect(await page.getByTestId('connection-status').getAttribute('data-status')).toBe('live');
    },
    BROWSER_TEST_MS,
  );

  it(
    'shows each tool call as one card with its input and its result, and a surface that took its updates',
    async () => {
      await using daemon = await startDaemon({ flags: FAST_DEMO });
      const page = await newPage();
      const input = {
        surfaceType: 'deploy',
        data: { service: 'api', status: 'starting', steps: ['build', 'ship'] },
        updates: [{ status: 'live' }],
      };
      const conversationId = await startConversation(page, daemon.url, `Please show_surface ${JSON.stringify(input)}`);
      const answer = await finishedAnswer(page);

      const snapshot = await getSnapshot(daemon.url, conversationId);
      const blocks = snapshot.messages.at(-1)?.blocks ?? [];
      expect(blocks.map((block) => block.type)).toEqual(['text', 'tool_use', 'tool_result', 'surface', 'text']);

      // One card for the call and its result, not two.
      const cards = answer.getByTestId('tool-card');
      expect(await cards.count()).toBe(1);
      const card = cards.first();
      expect(await card.getAttribute('data-tool-name')).toBe('show_surface');
      expect(await card.getAttribute('data-state')).toBe('done');
      expect(JSON.parse((await card.locator('.tool-input').textContent()) ?? '')).toEqual(input);
      const result = blocks.find((block) => block.type === 'tool_result');
      expect(await card.locator('.tool-output').textContent()).toBe(result?.type === 'tool_result' ? result.text : '');

      // The surface shows its data after the update, not the first version.
      const surface = answer.getByTestId('surface-card');
      expect(await surface.count()).toBe(1);
      expect(await surface.getAttribute('aria-label')).toBe('deploy surface');
      expect(await surface.locator('dd').allTextContents()).toEqual(['api', 'live', 'build, ship']);
    },
    BROWSER_TEST_MS,
  );

  it(
    'runs a tool the user allows from the page, and the answer goes on with its result',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG] });
      const page = await newPage();
      await startConversation(page, daemon.url, 'Please release_notes {"version": "2"}');
      const card = page.locator('[data-testid="tool-card"][data-tool-name="release_notes"]');
      await card.and(page.locator('[data-state="awaiting-approval"]')).waitFor({ timeout: 60_000 });
      expect(JSON.parse((await card.locator('.tool-input').textContent()) ?? '')).toEqual({ version: '2' });

      await card.getByRole('button', { name: 'Allow' }).click();
      const answer = await finishedAnswer(page);
      expect(await card.getAttribute('data-state')).toBe('done');
      expect(await card.getByRole('button', { name: 'Allow' }).count()).toBe(0);
      // A string result is shown as the text it is, not as quoted JSON.
      expect(await card.locator('.tool-result').textContent()).toBe('Version 2 delivers every answer exactly once.');
      expect(await answer.getByTestId('text-block').last().textContent()).toContain(
        'release_notes answered: "Version 2 delivers every answer exactly once."',
      );
    },
    BROWSER_TEST_MS,
  );

  it(
    'does not run a tool the user denies, says so on the card (after a reload too), and the answer goes on',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG] });
      const page = await newPage();
      await startConversation(page, daemon.url, 'Please release_notes {"version": "3"}');
      const card = page.locator('[data-testid="tool-card"][data-tool-name="release_notes"]');
      await card.getByRole('button', { name: 'Deny' }).click({ timeout: 60_000 });

      const answer = await finishedAnswer(page);
      expect(await card.getAttribute('data-state')).toBe('denied');
      expect(await card.textContent()).toContain('Denied — the tool did not run.');
      expect(await answer.getByTestId('text-block').last().textContent()).toContain('release_notes failed');

      await page.reload();
      await finishedAnswer(page);
      expect(await card.getAttribute('data-state')).toBe('denied');
    },
    BROWSER_TEST_MS,
  );

  it(
    'folds the thinking away once the answer is written',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG] });
      const page = await newPage();
      await startConversation(page, daemon.url, 'Please think before you answer');
      const answer = await finishedAnswer(page);

      const thinking = answer.getByTestId('thinking-block');
      expect(await thinking.getAttribute('open')).toBeNull();
      expect(await thinking.locator('summary').textContent()).toBe('Thought for a moment');
      await thinking.locator('summary').click();
      expect(await thinking.locator('.thinking-text').isVisible()).toBe(true);
      expect(await thinking.locator('.thinking-text').textContent()).toBe('Weighing the question before answering.');
    },
    BROWSER_TEST_MS,
  );

  it(
    'renders a half-written answer as it will end (its code block, an unclosed bold already bold), and says "Stopped" once stopped',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG] });
      const page = await newPage();
      await startConversation(page, daemon.url, 'Stop halfway please');
      const streaming = page.locator('li.message.assistant[data-status="streaming"]');
      const strong = streaming.locator('[data-streamdown="strong"]');
      await strong.waitFor({ timeout: 60_000 });
      expect(await strong.textContent()).toBe('the plan so far');
      expect(await streaming.locator('[data-streamdown="code-block"] pre').textContent()).toContain(
        'const offset = 42;',
      );
      const shown = (await streaming.getByTestId('text-block').textContent()) ?? '';
      expect(shown).not.toContain('**');
      expect(shown).not.toContain('```');

      await page.getByRole('button', { name: 'Stop' }).click();
      const answer = await finishedAnswer(page, 'cancelled');
      expect(await answer.getByTestId('message-ending').textContent()).toBe('Stopped');
      expect(await answer.locator('[data-streamdown="code-block"] pre').textContent()).toContain('const offset = 42;');
    },
    BROWSER_TEST_MS,
  );

  it(
    'keeps the thinking open while it streams',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG] });
      const page = await newPage();
      await startConversation(page, daemon.url, 'Please ponder this');
      const thinking = page.locator('li.message.assistant[data-status="streaming"] [data-testid="thinking-block"]');
      await thinking.waitFor({ timeout: 60_000 });
      expect(await thinking.getAttribute('open')).not.toBeNull();
      expect(await thinking.locator('summary').textContent()).toBe('Thinking…');
      expect(await thinking.locator('.thinking-text').isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Stop' }).click();
      await finishedAnswer(page, 'cancelled');
    },
    BROWSER_TEST_MS,
  );

  it(
    "shows a tool call's input as it streams, and a call the answer ended before as not run",
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG] });
      const page = await newPage();
      await startConversation(page, daemon.url, 'Keep drafting');
      const card = page.locator('[data-testid="tool-card"][data-tool-name="release_notes"]');
      await card.and(page.locator('[data-state="input-streaming"]')).waitFor({ timeout: 60_000 });
      expect(await card.locator('.tool-input').textContent()).toBe('{"version": "4');

      await page.getByRole('button', { name: 'Stop' }).click();
      await finishedAnswer(page, 'cancelled');
      expect(await card.getAttribute('data-state')).toBe('error');
      expect(await card.textContent()).toContain('The answer ended before this tool ran.');
    },
    BROWSER_TEST_MS,
  );

  it(
    'says an answer was interrupted when the daemon was killed before it finished',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG] });
      const page = await newPage();
      const pageLog: string[] = [];
      page.on('console', (message) => pageLog.push(`console.${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => pageLog.push(`pageerror: ${error.stack ?? error.message}`));
      page.on('framenavigated', (frame) => pageLog.push(`navigated: ${frame.url()}`));
      const conversationId = await startConversation(page, daemon.url, 'Stop halfway please');
      await page.locator('li.message.assistant [data-streamdown="code-block"]').waitFor({ timeout: 60_000 });

      await daemon.kill('SIGKILL');
      await daemon.restart();
      const answer = await finishedAnswer(page, 'interrupted').catch(async (error: unknown) => {
        // When it fails, say what the page, the daemon and its log knew: that is how the blank
        // page after a failed highlighter fetch was found (the test above).
        const status = await page
          .getByTestId('connection-status')
          .getAttribute('data-status', { timeout: 1000 })
          .catch(() => 'missing');
        const shown = await page
          .locator('li.message')
          .evaluateAll((items) => items.map((item) => `${item.className}:${item.getAttribute('data-status')}`));
        const body = await page
          .locator('body')
          .textContent({ timeout: 1000 })
          .catch((cause: unknown) => String(cause));
        const stored = (await getSnapshot(daemon.url, conversationId)).messages.map((message) => message.status);
        throw new Error(
          `${String(error)}\nconnection: ${status}; page (${page.url()}): ${shown.join(', ')}; daemon: ${stored.join(', ')}\n${(body ?? '').slice(0, 2000)}\n${pageLog.join('\n')}\n${daemon.logs().slice(-4000)}`,
        );
      });
      expect(await answer.getByTestId('message-ending').textContent()).toBe(
        'Interrupted — the daemon stopped before this answer finished',
      );
    },
    BROWSER_TEST_MS,
  );

  it(
    'says why an answer failed',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG] });
      const page = await newPage();
      await startConversation(page, daemon.url, 'Please stumble');
      const answer = await finishedAnswer(page, 'error');
      expect(await answer.getByTestId('text-block').textContent()).toBe('Starting the answer');
      expect(await answer.getByTestId('message-ending').textContent()).toBe('Failed: The model lost its connection.');
    },
    BROWSER_TEST_MS,
  );

  it(
    'reads in the dark theme, and fits a phone-width screen without sideways scrolling, the conversations in a drawer',
    async () => {
      await using daemon = await startDaemon({ flags: FAST_DEMO });
      const page = await newPage({ colorScheme: 'dark', viewport: { width: 390, height: 800 } });
      await startConversation(page, daemon.url, 'Use a tool and show me some code');
      await finishedAnswer(page);

      const luminance = (selector: string, property: 'color' | 'backgroundColor') =>
        page.locator(selector).evaluate((element, key) => {
          const [red = 0, green = 0, blue = 0] = getComputedStyle(element)[key].match(/\d+/g)?.map(Number) ?? [];
          return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255;
        }, property);
      expect(await luminance('body', 'backgroundColor')).toBeLessThan(0.2);
      expect(await luminance('body', 'color')).toBeGreaterThan(0.8);

      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        screen: document.documentElement.clientWidth,
      }));
      expect(widths.page).toBeLessThanOrEqual(widths.screen);
      // The conversation list is a drawer behind a "Conversations" button, over the chat.
      const list = page.getByRole('navigation', { name: 'Conversations' });
      await expect.poll(() => list.isVisible()).toBe(false);
      await page.getByRole('button', { name: 'Conversations' }).click();
      await expect.poll(() => list.isVisible(), { timeout: 10_000 }).toBe(true);
    },
    BROWSER_TEST_MS,
  );
});
