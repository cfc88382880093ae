// What OnceChatTransport does beyond the happy stream: stop, nothing to resume, a retried
// send, what it refuses.
import { createDaemonClient, startDaemon, stopLeftoverDaemons } from '@once/testing';
import type { UIMessage, UIMessageChunk } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { OnceChatTransport } from '../src/chat/index.ts';
import { NodeChat } from './node-chat.ts';

afterEach(stopLeftoverDaemons);

const TIMEOUT_MS = 60_000;

async function startConversation() {
  const daemon = await startDaemon({ flags: ['--demo-delay-ms', '15', '--demo-tokens', '150'] });
  const api = createDaemonClient(daemon.url);
  const conversationId = await api.createConversation();
  const transport = new OnceChatTransport({ baseUrl: daemon.url });
  return {
    daemon,
    api,
    conversationId,
    transport,
    async [Symbol.asyncDispose]() {
      transport.close();
      await daemon[Symbol.asyncDispose]();
    },
  };
}

async function drain(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function textOf(chunks: readonly UIMessageChunk[]): string {
  return chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.delta : '')).join('');
}

describe('OnceChatTransport', () => {
  it(
    "cancels the turn when the hook's stop() aborts the stream; the Chat keeps what it showed",
    async () => {
      await using once = await startConversation();
      const chat = new NodeChat({ id: once.conversationId, transport: once.transport });
      const sent = chat.sendMessage({ text: 'Tell me about durable streams.' });
      await chat.until(() => chat.lastAnswerText().length > 40, 'some of the answer');
      await chat.stop();
      await sent;

      let last = (await once.api.getSnapshot(once.conversationId)).messages.at(-1);
      while (last?.status === 'streaming') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        last = (await once.api.getSnapshot(once.conversationId)).messages.at(-1);
      }
      expect(last?.status).toBe('cancelled');
      expect(chat.status).toBe('ready');
      expect(chat.messages.at(-1)?.id).toBe(last?.id);
      const daemonText = last?.blocks.map((block) => ('text' in block ? block.text : '')).join('') ?? '';
      expect(daemonText.startsWith(chat.lastAnswerText())).toBe(true);
    },
    TIMEOUT_MS,
  );

  it(
    'regenerate() asks Once for a new answer that replaces the last one; Once keeps both',
    async () => {
      await using once = await startConversation();
      const chat = new NodeChat({ id: once.conversationId, transport: once.transport });
      await chat.sendMessage({ text: 'Tell me about durable streams.' });
      const first = (await once.api.getSnapshot(once.conversationId)).messages[1];
      await chat.regenerate();
      const { messages } = await once.api.getSnapshot(once.conversationId);
      expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'assistant']);
      expect(messages[2]).toMatchObject({ replaces: first?.id, status: 'complete' });
      // The hook shows the new answer in place of the old, with Once's id and whole text.
      expect(chat.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
      expect(chat.messages[1]?.id).toBe(messages[2]?.id);
      const text = messages[2]?.blocks.map((block) => ('text' in block ? block.text : '')).join('') ?? '';
      expect(chat.lastAnswerText()).toBe(text);
    },
    TIMEOUT_MS,
  );

  it(
    'has nothing to resume when no turn runs, and streams the same answer for a retried send',
    async () => {
      await using once = await startConversation();
      const { transport, conversationId } = once;
      expect(await transport.reconnectToStream({ chatId: conversationId })).toBeNull();

      const question: UIMessage = { id: 'client-question-1', role: 'user', parts: [{ type: 'text', text: 'Hi' }] };
      const send = () =>
        transport.sendMessages({
          trigger: 'submit-message',
          chatId: conversationId,
          messageId: undefined,
          messages: [question],
          abortSignal: undefined,
        });
      const first = await drain(await send());
      const again = await drain(await send());

      // The retry streams the same message (its id, its whole text), now in one piece.
      expect(again[0]).toEqual(first[0]);
      expect(first[0]).toMatchObject({ type: 'start' });
      expect(textOf(again)).toBe(textOf(first));
      expect(textOf(first)).not.toBe('');
      expect(again.at(-1)).toEqual(first.at(-1));
      expect(first.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
      const snapshot = await once.api.getSnapshot(conversationId);
      expect(snapshot.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
      expect(snapshot.messages[0]?.clientMessageId).toBe('client-question-1');
    },
    TIMEOUT_MS,
  );

  it('refuses what Once cannot do, with a sentence saying what to do instead', async () => {
    const transport = new OnceChatTransport({ baseUrl: 'http://127.0.0.1:9' });
    const options = { chatId: 'my-chat', messageId: undefined, messages: [], abortSignal: undefined };
    await expect(transport.sendMessages({ ...options, trigger: 'submit-message' })).rejects.toThrow(
      "pass the conversation's id as useChat({ id }), or give OnceChatTransport a conversationId",
    );
    const conversationId = '019a5b1e-2f00-7c3a-9b1d-4e5f60718293';
    const sending = (parts: unknown[]) =>
      transport.sendMessages({
        ...options,
        chatId: conversationId,
        trigger: 'submit-message',
        messages: [{ id: 'user-1', role: 'user', parts } as UIMessage],
      });
    await expect(sending([{ type: 'text', text: '  ' }])).rejects.toThrow('has neither');
    transport.close();
  });
});
