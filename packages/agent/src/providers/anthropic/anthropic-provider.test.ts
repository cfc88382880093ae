import { type ConversationId, type MessageId, type MessageSnapshot, newId, type TurnId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { type ReplayResponse, startAnthropicReplayServer } from '../../../test/anthropic-replay-server.ts';
import { userMessage } from '../../../test/recorded-turn.ts';
import type { ModelPart, ModelRequest, ToolDefinition } from '../../model-provider.ts';
import { ProviderError } from '../../provider-error.ts';
import { type AnthropicProviderOptions, createAnthropicProvider } from './anthropic-provider.ts';

const conversationId = newId() as ConversationId;
const weather: ToolDefinition = {
  name: 'weather',
  description: 'Current weather for a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function assistant(blocks: MessageSnapshot['blocks']): MessageSnapshot {
  return {
    id: newId() as MessageId,
    conversationId,
    role: 'assistant',
    status: 'streaming',
    turnId: newId() as TurnId,
    createdAt: '2026-11-23T21:00:00.000Z',
    blocks,
    watermarks: {},
  };
}

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    history: [userMessage(conversationId, 'What is the weather in Paris?')],
    current: assistant([]),
    tools: [weather],
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** Starts a server replaying `responses` and a provider pointed at it. */
async function setUp(responses: readonly ReplayResponse[], options: Partial<AnthropicProviderOptions> = {}) {
  const server = await startAnthropicReplayServer(responses);
  const provider = createAnthropicProvider({
    apiKey: 'sk-ant-test',
    model: 'claude-opus-4-7',
    baseURL: server.baseURL,
    ...options,
  });
  return { server, provider, [Symbol.asyncDispose]: () => server.close() };
}

async function collect(parts: AsyncIterable<ModelPart>): Promise<ModelPart[]> {
  const collected: ModelPart[] = [];
  for await (const part of parts) collected.push(part);
  return collected;
}

/** Runs the stream to its failure and returns the parts before it and what was thrown. */
async function failure(parts: AsyncIterable<ModelPart>): Promise<{ before: ModelPart[]; error: unknown }> {
  const before: ModelPart[] = [];
  try {
    for await (const part of parts) before.push(part);
  } catch (error) {
    return { before, error };
  }
  throw new Error('The stream was expected to fail but finished.');
}

describe('Anthropic provider', () => {
  it('streams text parts and finishes with the stop reason and usage of the message', async () => {
    await using fixture = await setUp([{ fixture: 'text.sse' }]);
    const parts = await collect(fixture.provider.stream(request()));

    expect(fixture.provider.name).toBe('anthropic');
    expect(parts).toEqual([
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ', I am' },
      { type: 'text', text: ' Claude.' },
      { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 12, outputTokens: 9 } },
    ]);
    const [received] = fixture.server.requests;
    expect(received).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(received?.headers.authorization).toBe('Bearer sk-ant-test');
    expect(received?.body).toEqual({
      model: 'claude-opus-4-7',
      max_tokens: 4096,
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] }],
      tools: [
        {
          name: 'weather',
          description: 'Current weather for a city.',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
    });
  });

  it('streams thinking, then text, and asks for thinking with the configured budget', async () => {
    await using fixture = await setUp([{ fixture: 'thinking-then-text.sse' }], {
      maxTokens: 8192,
      thinking: { budgetTokens: 2048 },
    });
    const parts = await collect(fixture.provider.stream(request({ tools: [] })));

    expect(parts).toEqual([
      { type: 'thinking', text: 'The user asks for 27 * 453.' },
      { type: 'thinking', text: ' 27 * 453 = 12231.' },
      { type: 'text', text: '27 * 453 = 12,231.' },
      { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 30, outputTokens: 41 } },
    ]);
    const body = fixture.server.requests[0]?.body;
    expect(body).toMatchObject({ max_tokens: 8192, thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(body).not.toHaveProperty('tools');
  });

  it('streams a tool call whose input arrives in fragments, ending it with the parsed input', async () => {
    await using fixture = await setUp([{ fixture: 'tool-call-fragments.sse' }]);
    const parts = await collect(fixture.provider.stream(request()));

    const toolUseId = 'toolu_01WeatherParis';
    expect(parts).toEqual([
      { type: 'text', text: 'Let me look that up.' },
      { type: 'tool_call_start', toolUseId, toolName: 'weather' },
      { type: 'tool_call_delta', toolUseId, partialJson: '{"city": "Pa' },
      { type: 'tool_call_delta', toolUseId, partialJson: 'ris", "unit"' },
      { type: 'tool_call_delta', toolUseId, partialJson: ': "celsius"}' },
      { type: 'tool_call_end', toolUseId, input: { city: 'Paris', unit: 'celsius' } },
      { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 210, outputTokens: 64 } },
    ]);
  });

  it('streams two tool calls one after the other, each with its own id', async () => {
    await using fixture = await setUp([{ fixture: 'two-tool-calls.sse' }]);
    const parts = await collect(fixture.provider.stream(request()));

    expect(parts.map((part) => part.type)).toEqual([
      'text',
      'tool_call_start',
      'tool_call_delta',
      'tool_call_delta',
      'tool_call_end',
      'tool_call_start',
      'tool_call_delta',
      'tool_call_delta',
      'tool_call_end',
      'finish',
    ]);
    expect(parts.filter((part) => part.type === 'tool_call_end')).toEqual([
      { type: 'tool_call_end', toolUseId: 'toolu_01Paris', input: { city: 'Paris' } },
      { type: 'tool_call_end', toolUseId: 'toolu_02Tokyo', input: { city: 'Tokyo' } },
    ]);
    expect(parts.at(-1)).toMatchObject({ stopReason: 'tool_use' });
  });

  it('sends a follow-up call the whole turn so far: the calls, then their results', async () => {
    await using fixture = await setUp([{ fixture: 'text-after-tools.sse' }]);
    const current = assistant([
      { index: 0, type: 'thinking', status: 'closed', text: 'Two cities, two calls.' },
      { index: 1, type: 'text', status: 'closed', text: 'I will check both cities.' },
      {
        index: 2,
        type: 'tool_use',
        status: 'closed',
        toolName: 'weather',
        toolUseId: 'toolu_01Paris',
        partialJson: '{"city":"Paris"}',
        input: { city: 'Paris' },
      },
      {
        index: 3,
        type: 'tool_use',
        status: 'closed',
        toolName: 'weather',
        toolUseId: 'toolu_02Tokyo',
        partialJson: '{"city":"Tokyo"}',
        input: { city: 'Tokyo' },
      },
      {
        index: 4,
        type: 'tool_result',
        status: 'closed',
        toolUseId: 'toolu_01Paris',
        text: '',
        result: { celsius: 18 },
        isError: false,
      },
      {
        index: 5,
        type: 'tool_result',
        status: 'closed',
        toolUseId: 'toolu_02Tokyo',
        text: 'Tokyo is not reachable',
        isError: true,
      },
    ]);
    const parts = await collect(fixture.provider.stream(request({ current })));

    expect(parts.at(-1)).toMatchObject({ type: 'finish', stopReason: 'end_turn' });
    expect(fixture.server.requests[0]?.body).toMatchObject({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'I will check both cities.' },
            { type: 'tool_use', id: 'toolu_01Paris', name: 'weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_02Tokyo', name: 'weather', input: { city: 'Tokyo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01Paris', content: '{"celsius":18}' },
            { type: 'tool_result', tool_use_id: 'toolu_02Tokyo', content: 'Tokyo is not reachable', is_error: true },
          ],
        },
      ],
    });
  });

  it('turns an error event in the middle of the stream into a retryable overloaded error, after the text so far', async () => {
    await using fixture = await setUp([{ fixture: 'error-mid-stream.sse' }]);
    const { before, error } = await failure(fixture.provider.stream(request()));

    expect(before).toEqual([
      { type: 'text', text: 'Partial ' },
      { type: 'text', text: 'answer' },
    ]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'overloaded', retryable: true, status: undefined });
    expect((error as Error).message).toMatch(/Overloaded/);
  });

  it.each([
    ['rate-limited.json', { code: 'rate_limited', retryable: true, status: 429, retryAfterMs: 7000 }],
    ['overloaded.json', { code: 'overloaded', retryable: true, status: 529 }],
    ['unauthorized.json', { code: 'authentication', retryable: false, status: 401, retryAfterMs: undefined }],
    ['bad-request.json', { code: 'invalid_request', retryable: false, status: 400 }],
  ])('answers %s with a ProviderError before any part, without retrying itself', async (file, expected) => {
    await using fixture = await setUp([{ fixture: file }, { fixture: 'text.sse' }]);
    const { before, error } = await failure(fixture.provider.stream(request()));

    expect(before).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject(expected);
    expect(fixture.server.requests).toHaveLength(1);
  });

  it('stops on abort mid-stream: rethrows the signal’s reason and closes the connection', async () => {
    await using fixture = await setUp([{ fixture: 'text.sse', holdOpenAfter: 5 }]);
    const controller = new AbortController();
    const reason = new Error('The user cancelled.');
    const parts: ModelPart[] = [];
    const { error } = await failure(
      (async function* () {
        for await (const part of fixture.provider.stream(request({ signal: controller.signal }))) {
          parts.push(part);
          if (parts.length === 2) controller.abort(reason);
          yield part;
        }
      })(),
    );

    expect(error).toBe(reason);
    expect(parts).toEqual([
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ', I am' },
    ]);
    // Resolves only once the server sees the client close the connection.
    await fixture.server.requests[0]?.closed;
  });

  it('rethrows the reason of a signal aborted before the call, sending nothing', async () => {
    await using fixture = await setUp([{ fixture: 'text.sse' }]);
    const reason = new Error('Cancelled before it started.');
    const { before, error } = await failure(fixture.provider.stream(request({ signal: AbortSignal.abort(reason) })));

    expect(before).toEqual([]);
    expect(error).toBe(reason);
  });

  it('reports a stream cut before message_stop as a retryable network error', async () => {
    await using fixture = await setUp([{ fixture: 'text.sse', endAfter: 5 }]);
    const { before, error } = await failure(fixture.provider.stream(request()));

    expect(before).toHaveLength(2);
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });

  it('reports a server it cannot reach as a retryable network error', async () => {
    const server = await startAnthropicReplayServer([]);
    await server.close();
    const provider = createAnthropicProvider({
      apiKey: 'sk-ant-test',
      model: 'claude-opus-4-7',
      baseURL: server.baseURL,
    });
    const { error } = await failure(provider.stream(request()));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });
});
