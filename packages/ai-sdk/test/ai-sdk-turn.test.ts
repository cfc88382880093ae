// The AI SDK provider inside the real conversation service and HTTP API, over a real
// SQLite file: Once runs the tool loop, the AI SDK's mock model answers one step a call.
import { createCalculatorTool, type ModelProvider, runTurn } from '@once/agent';
import { APICallError } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { createAiSdkProvider } from '../src/create-ai-sdk-provider.ts';
import { finish, respond, type StreamPart, textParts, toolCallParts } from './mock-model.ts';
import { startOnceServer, stopOnceServers } from './once-server.ts';

afterEach(stopOnceServers);

/** Once on a temporary SQLite log whose turns run `provider` with the calculator. */
const startDaemon = (provider: ModelProvider) =>
  startOnceServer(async (turn) => {
    await runTurn({ ...turn, provider, tools: [createCalculatorTool()], retry: { sleep: async () => {} } });
  });

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
    await daemon.ask('What is 6 times 7?');
    const snapshot = await daemon.snapshotNow();

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
    await daemon.ask('Hi');
    const snapshot = await daemon.snapshotNow();

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
    const asked = daemon.ask('Tell me a long story.');
    await daemon.waitFor((snapshot) =>
      snapshot.messages.some((message) => message.blocks.length > 0 && message.role === 'assistant'),
    );
    await daemon.cancel();
    await asked;
    const snapshot = await daemon.snapshotNow();

    expect(snapshot.messages[1]).toMatchObject({
      status: 'cancelled',
      blocks: [{ type: 'text', text: 'Once upon a time' }],
    });
    expect(snapshot.messages[1]?.error).toBeUndefined();
    expect(model.doStreamCalls[0]?.abortSignal?.aborted).toBe(true);
  });
});
