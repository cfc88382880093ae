// The AI SDK provider inside the real conversation service and HTTP API, over a real
// SQLite file: Once runs the tool loop, the AI SDK's mock model answers one step a call.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCalculatorTool, type ModelProvider, runTurn } from '@once/agent';
import type { ConversationSnapshot } from '@once/protocol';
import { createOnceServer, DEFAULT_ACCOUNT } from '@once/server';
import { openSqliteEventLog } from '@once/sqlite';
import { APICallError } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { createAiSdkProvider } from '../src/create-ai-sdk-provider.ts';
import { finish, respond, type StreamPart, textParts, toolCallParts } from './mock-model.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A daemon on a temporary SQLite log whose turns run `provider` with the calculator. */
async function startDaemon(provider: ModelProvider) {
  const directory = await mkdtemp(join(tmpdir(), 'once-ai-sdk-'));
  const log = openSqliteEventLog({ path: join(directory, 'once.db') });
  const server = createOnceServer({
    log,
    logKind: 'sqlite',
    runTurn: async (turn) => {
      await runTurn({ ...turn, provider, tools: [createCalculatorTool()], retry: { sleep: async () => {} } });
    },
  });
  await server.recover();
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  });
  const { id } = (await server.service.create(DEFAULT_ACCOUNT)) as { id: string };
  const send = async (content: string) => {
    const response = await fetch(`${url}/v1/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content }),
    });
    expect(response.status).toBe(202);
  };
  /** The snapshot once the turn has ended and its answer is complete. */
  const settled = async (): Promise<ConversationSnapshot> => {
    for (;;) {
      const { snapshot } = await server.service.snapshot(DEFAULT_ACCOUNT, id);
      const answer = snapshot.messages.find((message) => message.role === 'assistant');
      if (answer !== undefined && answer.status !== 'streaming' && snapshot.activeTurn === undefined) return snapshot;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const cancel = async () => {
    const response = await fetch(`${url}/v1/conversations/${id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(200);
  };
  const snapshotNow = async () => (await server.service.snapshot(DEFAULT_ACCOUNT, id)).snapshot;
  return { send, cancel, snapshotNow, settled };
}

describe('a turn on an AI SDK model', () => {
  it('calls a tool, feeds its result back to the model, and stores the whole turn as one assistant message', async () => {
    const model = new MockLanguageModelV4({
      doStream: [
        respond(
          ...textParts('t1', 'Let me compute that.'),
          ...toolCallParts('call-1', 'calculator', '{"operation":"multiply",', '"a":6,"b":7}'),
          finish('tool-calls', { input: 50, output: 20 }),
        ),
        respond(...textParts('t2', '6 × 7 = 42.'), finish('stop', { input: 90, output: 8 })),
      ],
    });
    const daemon = await startDaemon(createAiSdkProvider({ model }));
    await daemon.send('What is 6 times 7?');
    const snapshot = await daemon.settled();

    const [question, answer] = snapshot.messages;
    expect(question?.role).toBe('user');
    expect(answer).toMatchObject({
      role: 'assistant',
      status: 'complete',
      stopReason: 'end_turn',
      usage: { inputTokens: 140, outputTokens: 28 },
    });
    expect(answer?.blocks).toMatchObject([
      { type: 'text', text: 'Let me compute that.' },
      {
        type: 'tool_use',
        toolUseId: 'call-1',
        toolName: 'calculator',
        partialJson: '{"operation":"multiply","a":6,"b":7}',
        input: { operation: 'multiply', a: 6, b: 7 },
      },
      { type: 'tool_result', toolUseId: 'call-1', text: '42', result: { result: 42 }, isError: false },
      { type: 'text', text: '6 × 7 = 42.' },
    ]);

    // Once ran the tool loop: two one-step calls, the second reading the first step and its result.
    expect(model.doStreamCalls).toHaveLength(2);
    expect(model.doStreamCalls[1]?.prompt).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is 6 times 7?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me compute that.' },
          {
            type: 'tool-call',
            toolCallId: 'call-1',
            toolName: 'calculator',
            input: { operation: 'multiply', a: 6, b: 7 },
          },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call-1',
            toolName: 'calculator',
            output: { type: 'json', value: { result: 42 } },
          },
        ],
      },
    ]);
  });

  it('a model call rate-limited before any output is tried again, and the answer is written once', async () => {
    const model = new MockLanguageModelV4({
      doStream: async () => {
        if (model.doStreamCalls.length === 1) {
          throw new APICallError({
            message: 'Rate limit reached.',
            url: 'https://models.example/v1/chat',
            requestBodyValues: {},
            statusCode: 429,
            responseHeaders: { 'retry-after': '1' },
          });
        }
        return respond(...textParts('t1', 'Hello!'), finish('stop'));
      },
    });
    const daemon = await startDaemon(createAiSdkProvider({ model }));
    await daemon.send('Hi');
    const snapshot = await daemon.settled();

    expect(model.doStreamCalls).toHaveLength(2);
    expect(snapshot.messages[1]).toMatchObject({ status: 'complete', blocks: [{ type: 'text', text: 'Hello!' }] });
  });

  it('a cancel while the model streams ends the message cancelled, keeping what was streamed', async () => {
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        // Still streaming when the user presses stop: this stream never ends by itself.
        stream: new ReadableStream<StreamPart>({
          start(stream) {
            for (const part of textParts('t1', 'Once upon a time').slice(0, 2)) stream.enqueue(part);
          },
        }),
      }),
    });
    const daemon = await startDaemon(createAiSdkProvider({ model }));
    await daemon.send('Tell me a long story.');
    while (
      !(await daemon.snapshotNow()).messages.some(
        (message) => message.blocks.length > 0 && message.role === 'assistant',
      )
    )
      await new Promise((resolve) => setTimeout(resolve, 5));
    await daemon.cancel();
    const snapshot = await daemon.settled();

    expect(snapshot.messages[1]).toMatchObject({
      status: 'cancelled',
      blocks: [{ type: 'text', text: 'Once upon a time' }],
    });
    expect(snapshot.messages[1]?.error).toBeUndefined();
    expect(model.doStreamCalls[0]?.abortSignal?.aborted).toBe(true);
  });
});
