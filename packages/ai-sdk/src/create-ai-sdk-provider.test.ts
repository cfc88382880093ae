import { type ModelPart, type ModelRequest, ProviderError, type ToolDefinition } from '@once/agent';
import { APICallError } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { type FinishReason, finish, respond, type StreamPart, textParts, toolCallParts } from '../test/mock-model.ts';
import { messageOf, userSays } from '../test/snapshots.ts';
import { createAiSdkProvider } from './create-ai-sdk-provider.ts';

const weather: ToolDefinition = {
  name: 'weather',
  description: 'Current weather for a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function requestFor(options: Partial<ModelRequest> = {}): ModelRequest {
  return {
    history: [userSays('What is the weather in Oslo?')],
    current: messageOf('assistant', [], 'streaming'),
    tools: [weather],
    signal: new AbortController().signal,
    ...options,
  };
}

/** Streams one call of a model that answers with these parts; returns the Once parts and what was thrown. */
async function call(parts: StreamPart[], request = requestFor()) {
  const model = new MockLanguageModelV4({ doStream: respond(...parts) });
  return { model, ...(await collect(model, request)) };
}

async function collect(model: MockLanguageModelV4, request = requestFor()) {
  const parts: ModelPart[] = [];
  let error: unknown;
  try {
    for await (const part of createAiSdkProvider({ model }).stream(request)) parts.push(part);
  } catch (caught) {
    error = caught;
  }
  return { parts, error };
}

function failingWith(error: APICallError) {
  return new MockLanguageModelV4({
    doStream: async () => {
      throw error;
    },
  });
}

function apiCallError(statusCode: number, responseHeaders: Record<string, string> = {}) {
  return new APICallError({
    message: `The API answered ${statusCode}.`,
    url: 'https://models.example/v1/chat',
    requestBodyValues: {},
    statusCode,
    responseHeaders,
  });
}

describe('createAiSdkProvider', () => {
  it('streams text deltas as text and finishes the turn with the usage the model reported', async () => {
    const { parts, error } = await call([
      ...textParts('t1', 'It is ', 'sunny in Oslo.'),
      finish('stop', { input: 120, output: 8, cacheRead: 100 }),
    ]);
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: 'text', text: 'It is ' },
      { type: 'text', text: 'sunny in Oslo.' },
      { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 120, outputTokens: 8, cacheReadTokens: 100 } },
    ]);
  });

  it('streams reasoning as thinking, before the answer, with reasoning tokens in the usage', async () => {
    const { parts } = await call([
      { type: 'reasoning-start', id: 'r1' },
      { type: 'reasoning-delta', id: 'r1', delta: 'Oslo is in Norway. ' },
      { type: 'reasoning-delta', id: 'r1', delta: 'Check the forecast.' },
      { type: 'reasoning-end', id: 'r1' },
      ...textParts('t1', 'Sunny.'),
      finish('stop', { input: 20, output: 30, reasoning: 24 }),
    ]);
    expect(parts).toEqual([
      { type: 'thinking', text: 'Oslo is in Norway. ' },
      { type: 'thinking', text: 'Check the forecast.' },
      { type: 'text', text: 'Sunny.' },
      { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 20, outputTokens: 30, reasoningTokens: 24 } },
    ]);
  });

  it('streams a tool call in fragments and ends it with the parsed input, asking for tool results', async () => {
    const { parts } = await call([
      ...textParts('t1', 'Let me look.'),
      ...toolCallParts('call-1', 'weather', '{"ci', 'ty":"Os', 'lo"}'),
      finish('tool-calls'),
    ]);
    expect(parts).toEqual([
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_call_start', toolUseId: 'call-1', toolName: 'weather' },
      { type: 'tool_call_delta', toolUseId: 'call-1', partialJson: '{"ci' },
      { type: 'tool_call_delta', toolUseId: 'call-1', partialJson: 'ty":"Os' },
      { type: 'tool_call_delta', toolUseId: 'call-1', partialJson: 'lo"}' },
      { type: 'tool_call_end', toolUseId: 'call-1', input: { city: 'Oslo' } },
      { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 10, outputTokens: 5 } },
    ]);
  });

  it('reports two tool calls of one step, the second sent whole without streamed input', async () => {
    const { parts } = await call([
      ...toolCallParts('call-1', 'weather', '{"city":"Oslo"}'),
      { type: 'tool-call', toolCallId: 'call-2', toolName: 'weather', input: '{"city":"Bergen"}' },
      finish('tool-calls'),
    ]);
    expect(parts).toEqual([
      { type: 'tool_call_start', toolUseId: 'call-1', toolName: 'weather' },
      { type: 'tool_call_delta', toolUseId: 'call-1', partialJson: '{"city":"Oslo"}' },
      { type: 'tool_call_end', toolUseId: 'call-1', input: { city: 'Oslo' } },
      { type: 'tool_call_start', toolUseId: 'call-2', toolName: 'weather' },
      { type: 'tool_call_end', toolUseId: 'call-2', input: { city: 'Bergen' } },
      { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 10, outputTokens: 5 } },
    ]);
  });

  it('calls the model once, with the tools as schemas, and never runs a tool itself', async () => {
    const { model } = await call([...toolCallParts('call-1', 'weather', '{"city":"Oslo"}'), finish('tool-calls')]);
    expect(model.doStreamCalls).toHaveLength(1);
    expect(model.doStreamCalls[0]?.tools).toEqual([
      { type: 'function', name: 'weather', description: weather.description, inputSchema: weather.inputSchema },
    ]);
    expect(model.doStreamCalls[0]?.prompt).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is the weather in Oslo?' }] },
    ]);
  });

  it('gives the model a user message’s images and PDFs as file parts with their bytes, and text files as text', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9]);
    const pdf = new TextEncoder().encode('%PDF-1.7');
    const [pngHash, pdfHash, textHash] = ['a', 'b', 'c'].map((digit) => digit.repeat(64)) as [string, string, string];
    const user = {
      ...userSays('Compare these.'),
      attachments: [
        { hash: pngHash, size: 9, mediaType: 'image/png', name: 'chart.png' },
        { hash: pdfHash, size: 8, mediaType: 'application/pdf' },
        { hash: textHash, size: 5, mediaType: 'text/csv', name: 'rows.csv' },
      ],
    };
    const attachments = new Map([
      [pngHash, png],
      [pdfHash, pdf],
      [textHash, new TextEncoder().encode('a,b\n')],
    ]);
    const { model } = await call([...textParts('Done.'), finish('stop')], requestFor({ history: [user], attachments }));
    // As the model's provider receives it: the AI SDK wraps the bytes as `{ type: 'data' }`.
    expect(model.doStreamCalls[0]?.prompt).toMatchObject([
      {
        role: 'user',
        content: [
          { type: 'file', data: { type: 'data', data: png }, mediaType: 'image/png', filename: 'chart.png' },
          { type: 'file', data: { type: 'data', data: pdf }, mediaType: 'application/pdf' },
          { type: 'text', text: 'rows.csv:\n\na,b\n' },
          { type: 'text', text: 'Compare these.' },
        ],
      },
    ]);
  });

  it('passes a call to a tool it does not know on, for Once to answer with an error', async () => {
    const { parts } = await call([
      { type: 'tool-call', toolCallId: 'call-1', toolName: 'stocks', input: '{"symbol":"NHY"}' },
      finish('tool-calls'),
    ]);
    expect(parts.slice(0, 2)).toEqual([
      { type: 'tool_call_start', toolUseId: 'call-1', toolName: 'stocks' },
      { type: 'tool_call_end', toolUseId: 'call-1', input: { symbol: 'NHY' } },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', stopReason: 'tool_use' });
  });

  it.each<[FinishReason, boolean, string]>([
    ['tool-calls', true, 'tool_use'],
    ['stop', true, 'tool_use'],
    ['stop', false, 'end_turn'],
    ['length', false, 'max_tokens'],
    ['content-filter', false, 'end_turn'],
    ['other', false, 'end_turn'],
  ])('finish reason %s (tool call: %s) stops with %s', async (reason, withCall, stopReason) => {
    const { parts } = await call([
      ...(withCall ? toolCallParts('call-1', 'weather', '{"city":"Oslo"}') : textParts('t1', 'Done.')),
      finish(reason),
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', stopReason, usage: { inputTokens: 10, outputTokens: 5 } });
  });

  it('a stream the provider cut off (interrupted) is a retryable network error, not a finished answer', async () => {
    const { parts, error } = await call([...textParts('t1', 'It is'), finish('interrupted')]);
    expect(parts).toEqual([{ type: 'text', text: 'It is' }]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });

  it('a stream that ends without the model saying it finished yields no finish, for the turn runner to report', async () => {
    const { parts, error } = await call([...textParts('t1', 'It is')]);
    expect(error).toBeUndefined();
    expect(parts).toEqual([{ type: 'text', text: 'It is' }]);
  });

  it('lets go of the model’s stream when the turn stops reading early', async () => {
    let cancel = () => {};
    const cancelled = new Promise<void>((resolve) => {
      cancel = resolve;
    });
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        stream: new ReadableStream<StreamPart>({
          start(stream) {
            for (const part of textParts('t1', 'It is ', 'sunny')) stream.enqueue(part);
          },
          cancel: () => cancel(),
        }),
      }),
    });
    for await (const part of createAiSdkProvider({ model }).stream(requestFor())) {
      expect(part).toEqual({ type: 'text', text: 'It is ' });
      break;
    }
    // Resolves once the cancel has reached the model's stream (the test times out if never).
    await cancelled;
  });

  it('a 429 before any output is a retryable rate limit that carries the retry-after', async () => {
    const model = failingWith(apiCallError(429, { 'retry-after': '3' }));
    const { parts, error } = await collect(model);
    expect(parts).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, status: 429, retryAfterMs: 3000 });
    // The AI SDK's own retries are off: the turn runner decides.
    expect(model.doStreamCalls).toHaveLength(1);
  });

  it('a 401 is an authentication error that is not retried', async () => {
    const { error } = await collect(failingWith(apiCallError(401)));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'authentication', retryable: false, status: 401 });
  });

  it('an error part in the middle of the stream ends the call after the text already streamed', async () => {
    const { parts, error } = await call([
      ...textParts('t1', 'It is '),
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      ...textParts('t2', 'never shown'),
      finish('stop'),
    ]);
    expect(parts).toEqual([{ type: 'text', text: 'It is ' }]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'overloaded', retryable: true, message: 'Overloaded' });
  });

  it('an abort ends the stream with the signal’s reason, not a provider error', async () => {
    const controller = new AbortController();
    const cancelled = new Error('The user pressed stop.');
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        // A model still streaming when the user cancels: the stream never ends by itself.
        stream: new ReadableStream<StreamPart>({
          start(stream) {
            for (const part of textParts('t1', 'It is ').slice(0, 2)) stream.enqueue(part);
          },
        }),
      }),
    });
    const parts: ModelPart[] = [];
    const run = async () => {
      for await (const part of createAiSdkProvider({ model }).stream(requestFor({ signal: controller.signal }))) {
        parts.push(part);
        controller.abort(cancelled);
      }
    };
    await expect(run()).rejects.toBe(cancelled);
    expect(parts).toEqual([{ type: 'text', text: 'It is ' }]);
    expect(model.doStreamCalls[0]?.abortSignal?.aborted).toBe(true);
  });

  it('hands the call’s warnings to the AI SDK’s warning logger, as streamText does', async () => {
    const logged: unknown[] = [];
    const previous = globalThis.AI_SDK_LOG_WARNINGS;
    globalThis.AI_SDK_LOG_WARNINGS = (options) => logged.push(options);
    const warning = { type: 'unsupported' as const, feature: 'temperature' };
    const model = new MockLanguageModelV4({
      provider: 'mock-provider',
      modelId: 'mock-model',
      doStream: async () => ({
        stream: convertArrayToReadableStream<StreamPart>([
          { type: 'stream-start', warnings: [warning] },
          ...textParts('t1', 'Done.'),
          finish('stop'),
        ]),
      }),
    });
    try {
      await collect(model);
    } finally {
      globalThis.AI_SDK_LOG_WARNINGS = previous;
    }
    expect(logged).toEqual([{ warnings: [warning], provider: 'mock-provider', model: 'mock-model' }]);
  });

  it('names itself after the model’s provider', () => {
    const model = new MockLanguageModelV4({ provider: 'openai.chat' });
    expect(createAiSdkProvider({ model }).name).toBe('openai.chat');
  });
});
