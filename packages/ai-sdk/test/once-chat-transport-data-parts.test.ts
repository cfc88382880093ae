// A conversation an AI SDK chat route answers through Once has step boundaries and data
// parts as app events: the transport and the loader read them when asked to.
import { setTimeout as sleep } from 'node:timers/promises';
import { startChatRoute, writeChunks } from '@once/testing';
import type { UIMessageChunk } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { loadUIMessages, OnceChatTransport } from '../src/chat/index.ts';
import { createUIStreamTurnRunner, toUIMessages } from '../src/index.ts';
import { NodeChat } from './node-chat.ts';
import { startOnceServer, stopOnceServers } from './once-server.ts';
import { contentOf } from './ui-message-streams.ts';

const cleanups: (() => PromiseLike<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterEach(stopOnceServers);

const ANSWER: UIMessageChunk[] = [
  { type: 'start' },
  { type: 'start-step' },
  { type: 'data-weather', id: 'w', data: { status: 'loading' } },
  { type: 'text-start', id: '0' },
  { type: 'text-delta', id: '0', delta: 'Sunny ' },
  { type: 'text-delta', id: '0', delta: 'in Paris.' },
  { type: 'text-end', id: '0' },
  { type: 'data-weather', id: 'w', data: { status: 'done', celsius: 21 } },
  { type: 'data-notice', data: 'just for now', transient: true },
  { type: 'finish-step' },
  { type: 'finish', finishReason: 'stop' },
];

describe('OnceChatTransport and loadUIMessages with dataPartNames', () => {
  it('show the data parts and steps of an AI SDK route, as toUIMessages does with the app events', async () => {
    const route = await startChatRoute(async (_request, response) => {
      for (const chunk of ANSWER) {
        writeChunks(response, chunk);
        await sleep(20);
      }
      response.end();
    });
    cleanups.push(() => route[Symbol.asyncDispose]());
    const once = await startOnceServer(createUIStreamTurnRunner({ url: route.url }));
    const transport = new OnceChatTransport({ baseUrl: once.url, dataPartNames: ['weather', 'notice'] });
    cleanups.push(async () => transport.close());
    const data: unknown[] = [];
    const chat = new NodeChat({ id: once.conversationId, transport, onData: (part) => data.push(part.data) });

    await chat.sendMessage({ text: 'Weather in Paris?' });

    const snapshot = await once.snapshotNow();
    const events = (await once.events()).map(({ type, data }) => ({ type, data }));
    const expected = toUIMessages(snapshot.messages, events);
    expect(expected[1]?.parts).toEqual([
      { type: 'step-start' },
      { type: 'data-weather', id: 'w', data: { status: 'done', celsius: 21 } },
      { type: 'text', text: 'Sunny in Paris.', state: 'done' },
    ]);
    expect(chat.messages.map(contentOf)).toEqual(expected.map(contentOf));
    // The transient part reached onData live, and no message.
    expect(data).toContain('just for now');

    const loaded = await loadUIMessages({
      baseUrl: once.url,
      conversationId: once.conversationId,
      dataPartNames: ['weather'],
    });
    expect(loaded).toEqual(expected);
    const withoutEvents = await loadUIMessages({ baseUrl: once.url, conversationId: once.conversationId });
    expect(withoutEvents).toEqual(toUIMessages(snapshot.messages));
  }, 60_000);
});
