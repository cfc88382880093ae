// The five ways a chat page loses its stream, and Stop, run against the example in
// Chromium with one transport: each ends with the page showing exactly what the daemon
// holds (every message, every part once: text, steps, the demo model's clock tool call
// with its output), under ids that never changed.

import { setTimeout as sleep } from 'node:timers/promises';
import {
  createDaemonClient,
  type DaemonClient,
  startCuttableProxy,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatPageOptions, openChatPage, seenMessageIds, sendMessage } from './chat-page.ts';
import { expectedMessages, readShownMessages, shownAnswerWords } from './shown-messages.ts';
import { waitUntilPageMatches } from './wait-until-page-matches.ts';

/** What the scenarios need from the file that runs them, set up once for all. */
export interface UseChatScenarioFixture {
  /** A Chromium running for the whole file. */
  readonly browser: () => Browser;
  /** The origin serving the built example. */
  readonly appOrigin: () => string;
}

const TOKEN = 'use-chat-browser-test';
/** About 200 tokens 30 ms apart: an answer streams for some 6 s, time to disrupt it midway. */
const DEMO_FLAGS = ['--demo-delay-ms', '30', '--demo-tokens', '200'];
/** Words of the answer on the page before a test disrupts it. */
const UNDER_WAY_WORDS = 8;
const WAIT_MS = 30_000;
/** How long the SIGKILLed daemon stays down. */
const DOWN_MS = 2_000;
const TEST_TIMEOUT_MS = 150_000;

/** Registers the scenarios for `transport` (`?transport=` of the page). */
export function describeUseChatScenarios(
  transport: ChatPageOptions['transport'],
  fixture: UseChatScenarioFixture,
): void {
  describe(`useChat with ${transport === 'once' ? 'OnceChatTransport' : 'DefaultChatTransport'}`, () => {
    /** What each test opened, closed after it however it ended (a timed-out test never reaches its own finally). */
    const openedByTest: (() => PromiseLike<unknown>)[] = [];
    afterEach(async () => {
      for (const close of openedByTest.splice(0).reverse()) await Promise.resolve(close()).catch(() => {});
      await stopLeftoverDaemons();
    });

    /** A daemon allowing the page's origin, a browser context, and a client to read the daemon's truth. */
    async function setUp() {
      const daemon = await startDaemon({
        flags: ['--cors-origins', fixture.appOrigin(), '--auth-tokens', `${TOKEN}=default`, ...DEMO_FLAGS],
      });
      const context = await fixture.browser().newContext();
      openedByTest.push(() => context.close());
      const client = createDaemonClient(daemon.url, TOKEN);
      const pageOptions = (baseUrl: string, conversationId?: string): ChatPageOptions => ({
        appOrigin: fixture.appOrigin(),
        baseUrl,
        token: TOKEN,
        transport,
        ...(conversationId === undefined ? {} : { conversationId }),
      });
      return { daemon, context, client, pageOptions };
    }

    it(
      'a network drop mid-stream in a visible tab: the page catches up, each part once',
      async () => {
        const { daemon, context, client, pageOptions } = await setUp();
        const proxy = await startCuttableProxy(() => ({ host: '127.0.0.1', port: daemon.port }));
        openedByTest.push(() => proxy[Symbol.asyncDispose]());
        const { page, conversationId } = await openChatPage(context, pageOptions(proxy.url));

        await sendMessage(page, 'Use a tool, then tell me how a durable log helps a chat');
        const answerId = await answerUnderWay(page, client, conversationId);
        proxy.cut({ refuseMs: 2_000 });
        expect(proxy.cuts).toBe(1);

        const snapshot = await waitUntilPageMatches(page, client, conversationId);
        expectOneToolTurn(snapshot.messages);
        await expectSteadyIds(page, answerId, snapshot.messages);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a reload mid-stream: the page resumes the same answer under the same id',
      async () => {
        const { context, client, daemon, pageOptions } = await setUp();
        const { page, conversationId } = await openChatPage(context, pageOptions(daemon.url));

        await sendMessage(page, 'Use a tool, then explain resumable streams');
        const answerId = await answerUnderWay(page, client, conversationId);
        await page.reload();

        const snapshot = await waitUntilPageMatches(page, client, conversationId);
        expectOneToolTurn(snapshot.messages);
        await expectSteadyIds(page, answerId, snapshot.messages);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'the daemon SIGKILLed mid-turn and restarted: the answer ends interrupted, on the page too',
      async () => {
        const { context, client, daemon, pageOptions } = await setUp();
        const { page, conversationId } = await openChatPage(context, pageOptions(daemon.url));

        await sendMessage(page, 'Write a long answer about crashes');
        const answerId = await answerUnderWay(page, client, conversationId);
        await daemon.kill('SIGKILL');
        // Down long enough for the page to try to reconnect and fail: Once's transport
        // keeps its stream open and reconnects below the hook, the stock one errors.
        await sleep(DOWN_MS);
        await daemon.restart();

        const snapshot = await waitUntilPageMatches(page, client, conversationId);
        expect(snapshot.messages.map((message) => message.status)).toEqual(['complete', 'interrupted']);
        await expectSteadyIds(page, answerId, snapshot.messages);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a reload while a second turn streams: both turns show once, the second resumes',
      async () => {
        const { context, client, daemon, pageOptions } = await setUp();
        const { page, conversationId } = await openChatPage(context, pageOptions(daemon.url));

        await sendMessage(page, 'First question');
        const first = await waitUntilPageMatches(page, client, conversationId);
        expect(first.messages).toHaveLength(2);
        await sendMessage(page, 'Second question: use a tool');
        const answerId = await answerUnderWay(page, client, conversationId, 4);
        await page.reload();

        const snapshot = await waitUntilPageMatches(page, client, conversationId);
        expect(snapshot.messages.map((message) => message.status)).toEqual([
          'complete',
          'complete',
          'complete',
          'complete',
        ]);
        expect(snapshot.messages.slice(0, 2)).toEqual(first.messages);
        await expectSteadyIds(page, answerId, snapshot.messages);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'Stop mid-stream: the daemon cancels the turn, and the page shows the answer as it ended',
      async () => {
        const { context, client, daemon, pageOptions } = await setUp();
        const { page, conversationId } = await openChatPage(context, pageOptions(daemon.url));

        await sendMessage(page, 'Write a long answer I will stop');
        const answerId = await answerUnderWay(page, client, conversationId);
        await page.getByRole('button', { name: 'Stop' }).click();

        const snapshot = await waitUntilPageMatches(page, client, conversationId);
        expect(snapshot.messages.map((message) => message.status)).toEqual(['complete', 'cancelled']);
        await expectSteadyIds(page, answerId, snapshot.messages);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'two tabs on one conversation: a tab opened mid-stream follows the same answer',
      async () => {
        const { context, client, daemon, pageOptions } = await setUp();
        const { page: first, conversationId } = await openChatPage(context, pageOptions(daemon.url));

        await sendMessage(first, 'Use a tool, then tell me about two tabs');
        const answerId = await answerUnderWay(first, client, conversationId);
        const { page: second } = await openChatPage(context, pageOptions(daemon.url, conversationId));

        const snapshot = await waitUntilPageMatches(second, client, conversationId);
        await waitUntilPageMatches(first, client, conversationId);
        expect(snapshot.messages.map((message) => message.status)).toEqual(['complete', 'complete']);
        await expectSteadyIds(first, answerId, snapshot.messages);
        await expectSteadyIds(second, answerId, snapshot.messages);
      },
      TEST_TIMEOUT_MS,
    );
  });
}

/**
 * Waits until the page shows some words of the answer while the daemon is still writing
 * it (so what follows disrupts a stream, not a finished answer).
 * @returns the id the page shows the answer under.
 */
async function answerUnderWay(
  page: Page,
  client: DaemonClient,
  conversationId: string,
  messageCount = 2,
): Promise<string> {
  await expect
    .poll(() => shownAnswerWords(page, messageCount), { timeout: WAIT_MS })
    .toBeGreaterThanOrEqual(UNDER_WAY_WORDS);
  const snapshot = await client.getSnapshot(conversationId);
  expect(snapshot.messages).toHaveLength(messageCount);
  expect(snapshot.messages.at(-1)?.status, 'the answer finished before the test could disrupt it').toBe('streaming');
  const shown = await readShownMessages(page);
  const answer = shown.at(-1);
  expect(answer?.role).toBe('assistant');
  return answer?.id ?? '';
}

/**
 * The answer kept the id it was first shown under, and the tab never showed a message
 * under an id the daemon does not know, nor one message twice at once.
 */
async function expectSteadyIds(
  page: Page,
  answerId: string,
  messages: Parameters<typeof expectedMessages>[0],
): Promise<void> {
  const known = expectedMessages(messages).map((message) => message.id);
  expect(known).toContain(answerId);
  const seen = await seenMessageIds(page);
  expect(seen.shownTwice).toEqual([]);
  expect(seen.ids.filter((id) => !known.includes(id))).toEqual([]);
}

/** A question and one answer that called the clock tool once: two steps in one bubble. */
function expectOneToolTurn(messages: Parameters<typeof expectedMessages>[0]): void {
  expect(messages.map((message) => message.status)).toEqual(['complete', 'complete']);
  expect(expectedMessages(messages)[1]?.parts.map((part) => part.type)).toEqual([
    'step-start',
    'text',
    'tool-clock',
    'step-start',
    'text',
  ]);
}
