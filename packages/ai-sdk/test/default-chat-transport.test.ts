// The AI SDK's own Chat on its stock DefaultChatTransport, pointed at a real daemon
// process's AI SDK endpoints, through the five kinds of trouble a useChat session meets.
// Each asserts what a user would see: every message the Chat shows equals the daemon's
// own (toUIMessages of its snapshot), no part twice, the same ids throughout.
// (To be unified with the chat-transport branch's describeUseChatScenarios.)
import { createDaemonClient, type DaemonProcess, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { generateId, type UIMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { toUIMessages } from '../src/index.ts';
import { startCuttingProxy } from './cutting-proxy.ts';
import { StockChat } from './stock-chat.ts';

// About 150 words 15 ms apart: each answer streams for two seconds or more.
const DEMO = ['--demo-delay-ms', '15', '--demo-tokens', '150'];
const TEST_TIMEOUT_MS = 90_000;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterEach(stopLeftoverDaemons);

async function start(): Promise<DaemonProcess> {
  const daemon = await startDaemon({ flags: DEMO });
  cleanups.push(() => daemon[Symbol.asyncDispose]());
  return daemon;
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the daemon says the conversation is, once no turn runs, as UI messages. */
async function settled(baseUrl: string, conversationId: string): Promise<UIMessage[]> {
  const client = createDaemonClient(baseUrl);
  let messages: UIMessage[] = [];
  await until(async () => {
    const snapshot = await client.getSnapshot(conversationId);
    messages = toUIMessages(snapshot.messages);
    return snapshot.activeTurn === undefined && snapshot.messages.every((message) => message.status !== 'streaming');
  }, 'the turn to end');
  return messages;
}

/** The page's history on load: the daemon's messages now, a streaming one included. */
async function loaded(baseUrl: string, conversationId: string): Promise<UIMessage[]> {
  return toUIMessages((await createDaemonClient(baseUrl).getSnapshot(conversationId)).messages);
}

/** Resolves once the chat's `count`th message is an answer with at least 40 characters. */
const streaming = (chat: StockChat, count = 2) =>
  until(() => {
    const last = chat.messages[count - 1];
    const text = last?.role === 'assistant' ? last.parts.map((part) => ('text' in part ? part.text : '')).join('') : '';
    return text.length >= 40;
  }, 'the answer to stream');

function expectSameAs(chat: StockChat, expected: UIMessage[]): void {
  expect(chat.messages).toEqual(expected);
  for (const message of chat.messages) {
    // Step starts are alike by design (one per model call); every other part is one of a kind.
    const parts = message.parts.filter((part) => part.type !== 'step-start').map((part) => JSON.stringify(part));
    expect(new Set(parts).size).toBe(parts.length);
  }
}

async function conversationOfChat(baseUrl: string, chatId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/conversations`);
  const { conversations } = (await response.json()) as { conversations: { id: string; chatId?: string }[] };
  const found = conversations.find((entry) => entry.chatId === chatId);
  if (found === undefined) throw new Error(`No conversation for chat ${chatId}.`);
  return found.id;
}

describe('Chat with DefaultChatTransport on the daemon’s AI SDK endpoints', () => {
  it(
    'a network drop mid-stream, then resumeStream(): the same message, nothing twice',
    async () => {
      const daemon = await start();
      const proxy = await startCuttingProxy(daemon.port);
      cleanups.push(() => proxy.close());
      const conversationId = await createDaemonClient(daemon.url).createConversation();
      const chat = new StockChat({ id: conversationId, baseUrl: proxy.url });
      const sending = chat.sendMessage({ text: 'Tell me about the sea.' }).catch(() => {});
      await streaming(chat);
      const assistantId = chat.messages.at(-1)?.id;
      proxy.cut();
      await sending;
      await chat.resumeStream();
      const expected = await settled(daemon.url, conversationId);
      expect(chat.messages.at(-1)?.id).toBe(assistantId);
      expectSameAs(chat, expected);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a reload mid-stream: the page loads the history, resumes, and ends with the daemon’s message',
    async () => {
      const daemon = await start();
      const conversationId = await createDaemonClient(daemon.url).createConversation();
      const before = new StockChat({ id: conversationId, baseUrl: daemon.url });
      const sending = before.sendMessage({ text: 'Tell me about mountains.' });
      await streaming(before);
      const assistantId = before.messages.at(-1)?.id;
      await before.stop();
      await sending;
      const after = new StockChat({
        id: conversationId,
        baseUrl: daemon.url,
        messages: await loaded(daemon.url, conversationId),
      });
      await after.resumeStream();
      expect(after.messages.at(-1)?.id).toBe(assistantId);
      expectSameAs(after, await settled(daemon.url, conversationId));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the daemon SIGKILLed mid-turn and restarted: the reloaded page shows the message interrupted',
    async () => {
      const daemon = await start();
      const conversationId = await createDaemonClient(daemon.url).createConversation();
      const chat = new StockChat({ id: conversationId, baseUrl: daemon.url });
      const sending = chat.sendMessage({ text: 'Tell me about rivers.' }).catch(() => {});
      await streaming(chat);
      await daemon.kill('SIGKILL');
      await sending;
      await daemon.restart();
      const after = new StockChat({
        id: conversationId,
        baseUrl: daemon.url,
        messages: await loaded(daemon.url, conversationId),
      });
      await after.resumeStream();
      expectSameAs(after, await settled(daemon.url, conversationId));
      const snapshot = await createDaemonClient(daemon.url).getSnapshot(conversationId);
      expect(snapshot.messages.at(-1)?.status).toBe('interrupted');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a reload while the second turn streams after a completed first',
    async () => {
      const daemon = await start();
      const conversationId = await createDaemonClient(daemon.url).createConversation();
      const before = new StockChat({ id: conversationId, baseUrl: daemon.url });
      await before.sendMessage({ text: 'What time is it? Use a tool.' });
      const sending = before.sendMessage({ text: 'And tell me about forests.' });
      await streaming(before, 4);
      await before.stop();
      await sending;
      const after = new StockChat({
        id: conversationId,
        baseUrl: daemon.url,
        messages: await loaded(daemon.url, conversationId),
      });
      await after.resumeStream();
      const expected = await settled(daemon.url, conversationId);
      expect(expected).toHaveLength(4);
      expectSameAs(after, expected);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'two Chats on one conversation (useChat’s own chat id): both end with the daemon’s messages',
    async () => {
      const daemon = await start();
      const chatId = generateId();
      const first = new StockChat({ id: chatId, baseUrl: daemon.url });
      const sending = first.sendMessage({ text: 'Tell me about deserts.' });
      await streaming(first);
      const conversationId = await conversationOfChat(daemon.url, chatId);
      const second = new StockChat({
        id: chatId,
        baseUrl: daemon.url,
        messages: await loaded(daemon.url, conversationId),
      });
      await Promise.all([sending, second.resumeStream()]);
      const expected = await settled(daemon.url, conversationId);
      expectSameAs(first, expected);
      expectSameAs(second, expected);
    },
    TEST_TIMEOUT_MS,
  );
});
