// Once in front of a real AI SDK chat route (examples/ai-sdk-route on the AI SDK's own mock
// model), in the real conversation service over a SQLite file.
import type { ServerResponse } from 'node:http';
import { type ChatRouteServer, startChatRoute, writeChunks } from '@once/testing';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatRoute } from '../../../examples/ai-sdk-route/chat-route.ts';
import { weatherTool } from '../../../examples/ai-sdk-route/weather-tool.ts';
import { createUIStreamTurnRunner, type UIStreamTurnRunnerOptions } from '../src/index.ts';
import { finish, respond, textParts, toolCallParts } from './mock-model.ts';
import { startOnceServer, stopOnceServers } from './once-server.ts';

const cleanups: (() => PromiseLike<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterEach(stopOnceServers);

async function route(handle: Parameters<typeof startChatRoute>[0]): Promise<ChatRouteServer> {
  const server = await startChatRoute(handle);
  cleanups.push(() => server[Symbol.asyncDispose]());
  return server;
}

/** Once on a temporary SQLite log whose turns go to the chat route at `options.url`. */
const startOnce = (options: UIStreamTurnRunnerOptions) => startOnceServer(createUIStreamTurnRunner(options));

describe('Once in front of an AI SDK chat route', () => {
  it('writes a multi-step turn (text, a tool the route runs, more text) as one assistant message', async () => {
    const model = new MockLanguageModelV4({
      doStream: [
        respond(
          ...textParts('t1', 'Let me check.'),
          ...toolCallParts('call-1', 'weather', '{"city":', '"Paris"}'),
          finish('tool-calls'),
        ),
        respond(...textParts('t2', 'Sunny, 21 °C.'), finish('stop')),
        respond(...textParts('t3', 'You are welcome.'), finish('stop')),
      ],
    });
    const upstream = await route(createChatRoute({ model, tools: { weather: weatherTool } }));
    const once = await startOnce({ url: upstream.url, headers: { authorization: 'Bearer route-key' } });

    const answer = await once.ask('Weather in Paris?', 'client-1');

    expect(answer).toMatchObject({ status: 'complete', stopReason: 'end_turn' });
    expect(answer.blocks).toMatchObject([
      { type: 'text', text: 'Let me check.' },
      {
        type: 'tool_use',
        toolUseId: 'call-1',
        toolName: 'weather',
        partialJson: '{"city":"Paris"}',
        input: { city: 'Paris' },
      },
      {
        type: 'tool_result',
        toolUseId: 'call-1',
        result: { city: 'Paris', forecast: 'sunny', celsius: 21 },
        isError: false,
      },
      { type: 'text', text: 'Sunny, 21 °C.' },
    ]);
    const steps = (await once.events()).filter((event) => event.type === 'step_start');
    expect(steps.map((event) => event.data)).toEqual([
      { messageId: answer.id, beforeBlock: 0 },
      { messageId: answer.id, beforeBlock: 3 },
    ]);
    // The route got the chat request DefaultChatTransport sends, with the configured header.
    expect(upstream.requests[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer route-key',
    });
    expect(upstream.requests[0]?.body).toEqual({
      id: once.conversationId,
      trigger: 'submit-message',
      messages: [{ id: 'client-1', role: 'user', parts: [{ type: 'text', text: 'Weather in Paris?' }] }],
    });

    // The next turn sends the whole conversation, the tool call and its output included.
    await once.ask('Thanks!');
    expect(upstream.requests[1]?.body.messages[1]).toEqual({
      id: answer.id,
      role: 'assistant',
      parts: [
        { type: 'step-start' },
        { type: 'text', text: 'Let me check.', state: 'done' },
        {
          type: 'tool-weather',
          toolCallId: 'call-1',
          state: 'output-available',
          input: { city: 'Paris' },
          output: { city: 'Paris', forecast: 'sunny', celsius: 21 },
        },
        { type: 'step-start' },
        { type: 'text', text: 'Sunny, 21 °C.', state: 'done' },
      ],
    });
    expect(model.doStreamCalls[2]?.prompt.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'Thanks!' }],
    });
  });

  it("sends a message's files to the route as useChat does, data: URLs of their bytes, and its model gets them", async () => {
    // A 1×1 PNG.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const model = new MockLanguageModelV4({ doStream: [respond(...textParts('t1', 'A dot.'), finish('stop'))] });
    const upstream = await route(createChatRoute({ model }));
    const once = await startOnceServer(createUIStreamTurnRunner({ url: upstream.url }), { attachments: true });
    const hash = await once.upload(png, 'image/png', 'dot.png');

    const answer = await once.ask('What is this?', 'client-1', [{ hash }]);

    expect(answer.status).toBe('complete');
    const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
    expect(upstream.requests[0]?.body.messages).toEqual([
      {
        id: 'client-1',
        role: 'user',
        parts: [
          { type: 'file', mediaType: 'image/png', filename: 'dot.png', url: dataUrl },
          { type: 'text', text: 'What is this?' },
        ],
      },
    ]);
    // The route's own convertToModelMessages gave its model the image.
    const prompt = model.doStreamCalls[0]?.prompt.at(-1);
    expect(prompt?.role).toBe('user');
    expect(prompt?.content).toEqual([
      expect.objectContaining({ type: 'file', mediaType: 'image/png', filename: 'dot.png' }),
      { type: 'text', text: 'What is this?' },
    ]);
  });

  it('a route answering 500 ends the message error, quoting what it answered', async () => {
    const upstream = await route((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('The model key is missing.');
    });
    const once = await startOnce({ url: upstream.url });

    const answer = await once.ask('Hi');

    expect(answer.status).toBe('error');
    expect(answer.error?.message).toBe(`The upstream ${upstream.url} answered 500: The model key is missing.`);
  });

  it('a chunk that is no UI message chunk ends the message error, keeping the text before it', async () => {
    const upstream = await route((_request, response) => {
      writeChunks(
        response,
        { type: 'start' },
        { type: 'text-start', id: '0' },
        { type: 'text-delta', id: '0', delta: 'Hel' },
      );
      writeChunks(response, { type: 'text-delta', id: '0', delta: 42 });
      response.end();
    });
    const once = await startOnce({ url: upstream.url });

    const answer = await once.ask('Hi');

    expect(answer).toMatchObject({ status: 'error', blocks: [{ type: 'text', text: 'Hel' }] });
    expect(answer.error?.message).toContain(
      `The upstream ${upstream.url} sent a chunk that is not a UI message chunk: `,
    );
    expect(answer.error?.message).toContain('"delta":42');
  });

  it('chunks out of order end the message error, naming the chunk', async () => {
    const upstream = await route((_request, response) => {
      writeChunks(
        response,
        { type: 'start' },
        { type: 'text-start', id: '0' },
        { type: 'text-delta', id: '0', delta: 'Hi' },
      );
      writeChunks(response, { type: 'text-delta', id: '1', delta: ' there' });
      response.end();
    });
    const once = await startOnce({ url: upstream.url });

    const answer = await once.ask('Hi');

    expect(answer).toMatchObject({ status: 'error', blocks: [{ type: 'text', text: 'Hi' }] });
    expect(answer.error?.message).toBe(
      `The upstream ${upstream.url} sent chunks out of order: text-delta for "1" came before its start.`,
    );
  });

  it('a route that dies mid-stream ends the message error, keeping the text before it', async () => {
    let dying: ServerResponse | undefined;
    const upstream = await route((_request, response) => {
      writeChunks(
        response,
        { type: 'start' },
        { type: 'text-start', id: '0' },
        { type: 'text-delta', id: '0', delta: 'Once upon' },
      );
      dying = response;
    });
    const once = await startOnce({ url: upstream.url });

    const asked = once.ask('A story?');
    // Once Once has written what came, the route's socket is destroyed.
    await once.waitFor((snapshot) => {
      const block = snapshot.messages[1]?.blocks[0];
      return block?.type === 'text' && block.text === 'Once upon';
    });
    dying?.socket?.destroy();
    const answer = await asked;

    expect(answer).toMatchObject({ status: 'error', blocks: [{ type: 'text', text: 'Once upon' }] });
    expect(answer.error?.message).toMatch(new RegExp(`^The upstream ${upstream.url} broke off its stream: `));
  });

  it('text deltas that arrive in one read of the body become one event, in their place among data parts', async () => {
    // One write of the whole answer: the daemon reads it at once, as it reads several
    // tokens at a time once it falls behind a fast route.
    const frames = [
      { type: 'start' },
      { type: 'text-start', id: '0' },
      { type: 'text-delta', id: '0', delta: 'Once ' },
      { type: 'text-delta', id: '0', delta: 'upon ' },
      { type: 'data-weather', data: { city: 'Paris' } },
      { type: 'text-delta', id: '0', delta: 'a ' },
      { type: 'text-delta', id: '0', delta: 'time' },
      { type: 'text-end', id: '0' },
      { type: 'finish', finishReason: 'stop' },
    ];
    const upstream = await route((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' });
      response.end(frames.map((frame) => `data: ${JSON.stringify(frame)}\n\n`).join(''));
    });
    const once = await startOnce({ url: upstream.url });

    const answer = await once.ask('Hi');

    expect(answer.blocks).toMatchObject([{ type: 'text', text: 'Once upon a time' }]);
    const written = (await once.events()).filter(
      (event) =>
        (event.type === 'block_delta' && (event as { messageId?: string }).messageId === answer.id) ||
        event.type === 'data_weather',
    );
    expect(written.map((event) => [event.type, event.data])).toEqual([
      ['block_delta', { text: 'Once upon ' }],
      ['data_weather', { messageId: answer.id, beforeBlock: 1, name: 'weather', data: { city: 'Paris' } }],
      ['block_delta', { text: 'a time' }],
    ]);
  });

  it('a route that breaks off after its finish chunk has answered: the message is complete', async () => {
    const upstream = await route((_request, response) => {
      writeChunks(
        response,
        { type: 'start' },
        { type: 'text-start', id: '0' },
        { type: 'text-delta', id: '0', delta: 'Done.' },
      );
      writeChunks(response, { type: 'text-end', id: '0' }, { type: 'finish', finishReason: 'stop' });
      response.socket?.end(() => response.socket?.destroy());
    });
    const once = await startOnce({ url: upstream.url });

    const answer = await once.ask('Hi');

    expect(answer).toMatchObject({
      status: 'complete',
      stopReason: 'end_turn',
      blocks: [{ type: 'text', text: 'Done.' }],
    });
  });

  it('a route that goes quiet ends the message error after the timeout', async () => {
    const upstream = await route((_request, response) => {
      writeChunks(
        response,
        { type: 'start' },
        { type: 'text-start', id: '0' },
        { type: 'text-delta', id: '0', delta: 'Hmm' },
      );
    });
    const once = await startOnce({ url: upstream.url, timeoutMs: 200 });

    const answer = await once.ask('Hi');

    expect(answer).toMatchObject({ status: 'error', blocks: [{ type: 'text', text: 'Hmm' }] });
    expect(answer.error).toEqual({ code: 'timeout', message: `The upstream ${upstream.url} sent nothing for 200 ms.` });
  });

  it('a cancel aborts the request to the route and ends the message cancelled, keeping the text', async () => {
    const upstream = await route((_request, response) => {
      writeChunks(
        response,
        { type: 'start' },
        { type: 'text-start', id: '0' },
        { type: 'text-delta', id: '0', delta: 'Once upon a time' },
      );
    });
    const once = await startOnce({ url: upstream.url });

    const asked = once.ask('A long story?');
    await once.waitFor((snapshot) => snapshot.messages[1]?.blocks[0]?.type === 'text');
    await once.cancel();
    const answer = await asked;

    expect(answer).toMatchObject({ status: 'cancelled', blocks: [{ type: 'text', text: 'Once upon a time' }] });
    await upstream.closed();
  });
});
