// The AI SDK endpoints over real HTTP on an in-process daemon: the stream as the AI SDK's
// own parser reads it, chat ids, retries, 204, the refusals, and a clean stop.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInTools, createDemoProvider, runTurn } from '@once/agent';
import { newId } from '@once/protocol';
import { createOnceServer, DEFAULT_ACCOUNT, type OnceServer } from '@once/server';
import { openSqliteEventLog } from '@once/sqlite';
import {
  parseJsonEventStream,
  readUIMessageStream,
  type UIMessage,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { aiSdkRoutes, toUIMessages } from '../src/index.ts';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

/** A daemon with the AI SDK routes, answering with the demo model (`delayMs` between tokens). */
async function startDaemon(options: { delayMs?: number; authTokens?: ReadonlyMap<string, string> } = {}) {
  const directory = await mkdtemp(join(tmpdir(), 'once-ai-sdk-endpoints-'));
  const provider = createDemoProvider({ delayMs: options.delayMs ?? 0, tokens: 12 });
  const server: OnceServer = createOnceServer({
    log: openSqliteEventLog({ path: join(directory, 'once.db') }),
    logKind: 'sqlite',
    routes: [aiSdkRoutes],
    ...(options.authTokens === undefined ? {} : { authTokens: options.authTokens }),
    runTurn: (turn) => runTurn({ ...turn, provider, tools: builtInTools({ clockDelayMs: 0 }) }).then(() => {}),
  });
  await server.recover();
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  running.push(async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  });
  return { server, url };
}

/** The body DefaultChatTransport posts for a new user message. */
function chatBody(chatId: string, text: string, messageId = `m${Math.random().toString(36).slice(2, 10)}`) {
  return {
    id: chatId,
    trigger: 'submit-message',
    messages: [{ id: messageId, role: 'user', parts: [{ type: 'text', text }] }],
  };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/ai-sdk/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Every chunk of a UI message stream response, through the AI SDK's own parser, and its raw text. */
async function readChunks(response: Response): Promise<{ chunks: UIMessageChunk[]; text: string }> {
  const [forText, forChunks] = (response.body as ReadableStream<Uint8Array>).tee();
  const textPromise = new Response(forText).text();
  const chunks: UIMessageChunk[] = [];
  const reader = parseJsonEventStream({ stream: forChunks, schema: uiMessageChunkSchema }).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!value.success) throw value.error;
    chunks.push(value.value);
  }
  return { chunks, text: await textPromise };
}

/** The message the chunks build, as `Chat` would. */
async function fold(chunks: readonly UIMessageChunk[]): Promise<UIMessage | undefined> {
  let last: UIMessage | undefined;
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  for await (const message of readUIMessageStream({ stream })) last = message;
  return last;
}

async function snapshotOf(server: OnceServer, conversationId: string) {
  return (await server.service.snapshot(DEFAULT_ACCOUNT, conversationId)).snapshot;
}

async function onlyConversation(server: OnceServer) {
  const { conversations } = await server.service.accounts.list(DEFAULT_ACCOUNT);
  expect(conversations).toHaveLength(1);
  return conversations[0] as NonNullable<(typeof conversations)[0]>;
}

describe('POST /v1/ai-sdk/chat', () => {
  it('answers with the turn as a UI message stream: the AI SDK headers, data lines only, [DONE] at the end', async () => {
    const { server, url } = await startDaemon();
    const response = await post(url, chatBody('chat-one', 'What time is it? Use a tool.'));
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-vercel-ai-ui-message-stream': 'v1',
      'x-accel-buffering': 'no',
    });
    const { chunks, text } = await readChunks(response);
    for (const frame of text.split('\n\n').filter((part) => part !== '')) expect(frame).toMatch(/^(data: |:)/);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const conversation = await onlyConversation(server);
    expect(conversation.chatId).toBe('chat-one');
    const snapshot = await snapshotOf(server, conversation.id);
    const expected = toUIMessages(snapshot.messages)[1];
    expect(chunks[0]).toEqual({ type: 'start', messageId: expected?.id });
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(await fold(chunks)).toEqual(expected);
    expect(expected?.parts.some((part) => part.type === 'tool-clock')).toBe(true);
  });

  it('streams the answer while moving the conversation up the account’s list still waits (other chats hold it)', async () => {
    const { server, url } = await startDaemon();
    // Many chats starting at once queue on the account's lock to move their conversation up.
    const accounts = server.service.accounts as { update: typeof server.service.accounts.update };
    const update = accounts.update;
    const released = Promise.withResolvers<void>();
    accounts.update = async (...args) => {
      await released.promise;
      return update(...args);
    };
    try {
      const response = await post(url, chatBody('chat-busy-account', 'What time is it? Use a tool.'));
      expect(response.status).toBe(200);
      const { chunks } = await readChunks(response);
      expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
      const { conversations } = await server.service.accounts.list(DEFAULT_ACCOUNT);
      const { messages } = await snapshotOf(server, conversations[0]?.id as string);
      expect(await fold(chunks)).toEqual(toUIMessages(messages)[1]);
    } finally {
      released.resolve();
    }
  });

  it('sends a retried message once and streams the same turn again', async () => {
    const { server, url } = await startDaemon();
    const body = chatBody('chat-retry', 'Hello there', 'user-message-1');
    const first = await readChunks(await post(url, body));
    const second = await readChunks(await post(url, body));
    const conversation = await onlyConversation(server);
    const { messages } = await snapshotOf(server, conversation.id);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(messages[0]?.clientMessageId).toBe('user-message-1');
    expect(await fold(second.chunks)).toEqual(await fold(first.chunks));
  });

  it('takes the next message of the same chat into the same conversation', async () => {
    const { server, url } = await startDaemon();
    await readChunks(await post(url, chatBody('chat-two', 'First question')));
    const { chunks } = await readChunks(await post(url, chatBody('chat-two', 'Second question')));
    const conversation = await onlyConversation(server);
    const snapshot = await snapshotOf(server, conversation.id);
    expect(snapshot.messages).toHaveLength(4);
    expect(await fold(chunks)).toEqual(toUIMessages(snapshot.messages)[3]);
  });

  it('takes the id of one of the account’s conversations as that conversation', async () => {
    const { server, url } = await startDaemon();
    const created = await server.service.create(DEFAULT_ACCOUNT);
    await readChunks(await post(url, chatBody(created.id, 'Hi')));
    const conversation = await onlyConversation(server);
    expect(conversation.id).toBe(created.id);
    expect(conversation.chatId).toBeUndefined();
    expect((await snapshotOf(server, created.id)).messages).toHaveLength(2);
  });

  it('never lets a chat id claim another account’s conversation: it becomes a chat of its own', async () => {
    const { server, url } = await startDaemon();
    const other = await server.service.create('someone-else');
    await server.service.send('someone-else', other.id, { content: 'mine' });
    const before = await server.service.snapshot('someone-else', other.id);
    await readChunks(await post(url, chatBody(other.id, 'let me in')));
    const conversation = await onlyConversation(server);
    expect(conversation.id).not.toBe(other.id);
    expect(conversation.chatId).toBe(other.id);
    expect((await snapshotOf(server, conversation.id)).messages[0]?.blocks).toEqual([
      expect.objectContaining({ text: 'let me in' }),
    ]);
    const after = await server.service.snapshot('someone-else', other.id);
    expect(after.snapshot.messages.map((message) => message.id)).toEqual(
      before.snapshot.messages.map((message) => message.id),
    );
  });

  it('refuses the id of a conversation the account deleted', async () => {
    const { server, url } = await startDaemon();
    const created = await server.service.create(DEFAULT_ACCOUNT);
    await server.service.delete(DEFAULT_ACCOUNT, created.id);
    const before = await server.service.accounts.list(DEFAULT_ACCOUNT);
    const response = await post(url, chatBody(created.id, 'Back again'));
    expect(response.status).toBe(404);
    expect((await server.service.accounts.list(DEFAULT_ACCOUNT)).offset).toBe(before.offset);
  });

  it('refuses the chat of a deleted conversation', async () => {
    const { server, url } = await startDaemon();
    await readChunks(await post(url, chatBody('chat-gone', 'Hi')));
    const conversation = await onlyConversation(server);
    await server.service.delete(DEFAULT_ACCOUNT, conversation.id);
    const response = await post(url, chatBody('chat-gone', 'Again'));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('conversation_not_found');
  });

  it.each([
    ['malformed JSON', '{"id": ', 400, 'invalid_json'],
    ['no messages', { id: 'c', messages: [] }, 400, 'invalid_request'],
    ['no chat id', { messages: chatBody('c', 'hi').messages }, 400, 'invalid_request'],
    [
      'a last message from the assistant',
      { id: 'c', messages: [{ id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'hi' }] }] },
      400,
      'invalid_request',
    ],
    ['empty text', chatBody('c', '   '), 400, 'invalid_request'],
    [
      'a regenerate in a chat that does not exist',
      { ...chatBody('c', 'hi'), trigger: 'regenerate-message' },
      404,
      'conversation_not_found',
    ],
    [
      'an edit whose messageId is not the last message',
      { ...chatBody('c', 'hi'), messageId: 'm0' },
      400,
      'invalid_request',
    ],
    [
      'an edit in a chat that does not exist',
      { ...chatBody('c', 'hi', 'm0'), messageId: 'm0' },
      404,
      'conversation_not_found',
    ],
    ['an unknown trigger', { ...chatBody('c', 'hi'), trigger: 'resume-stream' }, 400, 'invalid_request'],
    ['a chat id with a space', chatBody('a b', 'hi'), 400, 'invalid_request'],
    [
      'a file part whose URL is not a data URL',
      { id: 'c', messages: [{ id: 'u1', role: 'user', parts: [{ type: 'file', url: 'x', mediaType: 'image/png' }] }] },
      400,
      'invalid_request',
    ],
  ])('refuses %s with %i %s and writes nothing', async (_name, body, status, code) => {
    const { server, url } = await startDaemon();
    const request = body;
    const before = await server.service.accounts.list(DEFAULT_ACCOUNT);
    const response = await post(url, request);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    expect((await server.service.accounts.list(DEFAULT_ACCOUNT)).offset).toBe(before.offset);
  });

  it('asks for the bearer token like every endpoint', async () => {
    const { server, url } = await startDaemon({ authTokens: new Map([['secret', 'alice']]) });
    expect((await post(url, chatBody('c', 'hi'))).status).toBe(401);
    expect((await fetch(`${url}/v1/ai-sdk/chat/c/stream`)).status).toBe(401);
    const response = await post(url, chatBody('c', 'hi'), { authorization: 'Bearer secret' });
    expect(response.status).toBe(200);
    await readChunks(response);
    expect((await server.service.accounts.list('alice')).conversations).toHaveLength(1);
  });

  it('ends an open stream on a clean stop with the message interrupted, then [DONE]', async () => {
    const { server, url } = await startDaemon({ delayMs: 50 });
    const response = await post(url, chatBody('chat-stop', 'Tell me a long story'));
    const reading = readChunks(response);
    const conversation = await onlyConversation(server);
    while (((await snapshotOf(server, conversation.id)).messages[1]?.blocks.length ?? 0) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await server.stop();
    const { chunks, text } = await reading;
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'interrupted' });
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('GET /v1/ai-sdk/chat/:id/stream', () => {
  it('answers 204 when no turn runs', async () => {
    const { url } = await startDaemon();
    await readChunks(await post(url, chatBody('chat-idle', 'Hi')));
    const response = await fetch(`${url}/v1/ai-sdk/chat/chat-idle/stream`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('replays the running turn from its start, then follows it live to [DONE]', async () => {
    const { server, url } = await startDaemon({ delayMs: 20 });
    const sending = post(url, chatBody('chat-live', 'Tell me something'));
    const conversation = await (async () => {
      for (;;) {
        const { conversations } = await server.service.accounts.list(DEFAULT_ACCOUNT);
        const found = conversations[0];
        if (found !== undefined && ((await snapshotOf(server, found.id)).messages[1]?.blocks.length ?? 0) > 0) {
          return found;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const resumed = await fetch(`${url}/v1/ai-sdk/chat/chat-live/stream`);
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    const { chunks, text } = await readChunks(resumed);
    await readChunks(await sending);
    const expected = toUIMessages((await snapshotOf(server, conversation.id)).messages)[1];
    expect(chunks[0]).toEqual({ type: 'start', messageId: expected?.id });
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(await fold(chunks)).toEqual(expected);
  });

  it('answers 404 for a chat this account does not have', async () => {
    const { url } = await startDaemon();
    for (const id of ['never-seen', newId()]) {
      const response = await fetch(`${url}/v1/ai-sdk/chat/${id}/stream`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('conversation_not_found');
    }
  });
});
