// The stock DefaultChatTransport with useChat's own chat ids (`generateId()`, not a Once
// conversation id): the daemon keeps them as the conversation's alias, and two tabs on
// one such chat both end with the daemon's messages, nothing twice.
import { createDaemonClient, type DaemonProcess, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { DefaultChatTransport, generateId, type UIMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { toUIMessages } from '../src/index.ts';
import { NodeChat } from './node-chat.ts';

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

/** The conversation the daemon created for a chat id, from the account's list. */
async function conversationOfChat(baseUrl: string, chatId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/conversations`);
  const { conversations } = (await response.json()) as { conversations: { id: string; chatId?: string }[] };
  const found = conversations.find((entry) => entry.chatId === chatId);
  if (found === undefined) throw new Error(`No conversation for chat ${chatId}.`);
  return found.id;
}

/** What the daemon says the conversation is, once no turn runs, as UI messages. */
async function settled(baseUrl: string, conversationId: string): Promise<UIMessage[]> {
  const client = createDaemonClient(baseUrl);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const snapshot = await client.getSnapshot(conversationId);
    if (snapshot.activeTurn === undefined) return toUIMessages(snapshot.messages);
    if (Date.now() > deadline) throw new Error('The turn did not end within 60 s.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function expectSameAs(chat: NodeChat, expected: UIMessage[]): void {
  expect(chat.messages).toEqual(expected);
  for (const message of chat.messages) {
    // Step starts are alike by design (one per model call); every other part is one of a kind.
    const parts = message.parts.filter((part) => part.type !== 'step-start').map((part) => JSON.stringify(part));
    expect(new Set(parts).size).toBe(parts.length);
  }
}

describe('DefaultChatTransport with useChat’s own chat ids', () => {
  it(
    'two Chats on one chat id: the daemon keeps it as an alias, and both end with its messages',
    async () => {
      const daemon = await start();
      const chatId = generateId();
      const transport = () => new DefaultChatTransport({ api: `${daemon.url}/v1/ai-sdk/chat` });
      const first = new NodeChat({ id: chatId, transport: transport() });
      const sending = first.sendMessage({ text: 'Tell me about deserts.' });
      await first.until(() => first.lastAnswerText().length >= 40, 'the answer to stream');
      const conversationId = await conversationOfChat(daemon.url, chatId);
      const history = toUIMessages((await createDaemonClient(daemon.url).getSnapshot(conversationId)).messages);
      const second = new NodeChat({ id: chatId, transport: transport(), messages: history });
      await Promise.all([sending, second.resumeStream()]);
      await second.until(() => second.status === 'ready', 'the second chat to settle');
      const expected = await settled(daemon.url, conversationId);
      expectSameAs(first, expected);
      expectSameAs(second, expected);
    },
    TEST_TIMEOUT_MS,
  );
});
