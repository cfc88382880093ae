import {
  type BlockSnapshot,
  type ConversationId,
  type MessageId,
  type MessageSnapshot,
  newId,
  type TurnId,
} from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { type ChatServer, errorReply, startChatServer, streamReply } from '../../../test/openai-chat-server.ts';
import { userMessage } from '../../../test/recorded-turn.ts';
import type { ModelPart, ModelRequest, ToolDefinition } from '../../model-provider.ts';
import { ProviderError } from '../../provider-error.ts';
import { createOpenAIProvider } from './create-openai-provider.ts';

const conversationId = newId() as ConversationId;

const weather: ToolDefinition = {
  name: 'weather',
  description: 'Current weather for a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function assistantMessage(blocks: readonly BlockSnapshot[], status: MessageSnapshot['status'] = 'streaming') {
  return {
    id: newId() as MessageId,
    conversationId,
    role: 'assistant',
    status,
    turnId: newId() as TurnId,
    createdAt: '2026-11-23T21:00:00.000Z',
    blocks: blocks.map((block, index) => ({ ...block, index })),
    watermarks: {},
  } satisfies MessageSnapshot;
}

function requestFor(options: Partial<ModelRequest> = {}): ModelRequest {
  return {
    history: [userMessage(conversationId, 'Say hello')],
    current: assistantMessage([]),
    tools: [],
    signal: new AbortController().signal,
    ...options,
  };
}

function providerFor(server: ChatServer) {
  return createOpenAIProvider({ apiKey: 'test-key', model: 'gpt-4.1-mini', baseURL: server.baseURL });
}

/** Runs one call to the end; `onPart` sees each part as it arrives. */
async function collect(server: ChatServer, request = requestFor(), onPart?: (parts: ModelPart[]) => void) {
  const parts: ModelPart[] = [];
  let error: unknown;
  try {
    for await (const part of providerFor(server).stream(request)) {
      parts.push(part);
      onPart?.(parts);
    }
  } catch (caught) {
    error = caught;
  }
  return { parts, error };
}

const textOf = (parts: readonly ModelPart[]) => parts.map((part) => (part.type === 'text' ? part.text : '')).join('');

describe('OpenAI provider', () => {
  it('streams text and finishes with the usage of the last chunk', async () => {
    await using server = await startChatServer([streamReply('plain-text')]);
    const { parts, error } = await collect(server);

    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ' there' },
      { type: 'text', text: '!' },
      { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 12, outputTokens: 3 } },
    ]);
    const [received] = server.requests;
    expect(received?.path).toBe('/v1/chat/completions');
    expect(received?.headers.authorization).toBe('Bearer test-key');
    expect(received?.body).toEqual({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('streams a tool call whose arguments arrive in fragments, and ends it with the parsed input', async () => {
    await using server = await startChatServer([streamReply('tool-call-fragments')]);
    const { parts, error } = await collect(server, requestFor({ tools: [weather] }));

    expect(error).toBeUndefined();
    const toolUseId = 'call_Weather01';
    expect(parts).toEqual([
      { type: 'tool_call_start', toolUseId, toolName: 'weather' },
      ...['{"', 'city', '":"', 'Paris', '"}'].map((partialJson) => ({
        type: 'tool_call_delta',
        toolUseId,
        partialJson,
      })),
      { type: 'tool_call_end', toolUseId, input: { city: 'Paris' } },
      { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 58, outputTokens: 15 } },
    ]);
    expect(server.requests[0]?.body.tools).toEqual([
      {
        type: 'function',
        function: { name: 'weather', description: weather.description, parameters: weather.inputSchema },
      },
    ]);
  });

  it('keeps two parallel tool calls apart when their fragments interleave', async () => {
    await using server = await startChatServer([streamReply('parallel-tool-calls')]);
    const { parts } = await collect(server, requestFor({ tools: [weather] }));

    expect(parts).toEqual([
      { type: 'tool_call_start', toolUseId: 'call_Paris01', toolName: 'weather' },
      { type: 'tool_call_start', toolUseId: 'call_Athens02', toolName: 'weather' },
      { type: 'tool_call_delta', toolUseId: 'call_Paris01', partialJson: '{"city":' },
      { type: 'tool_call_delta', toolUseId: 'call_Athens02', partialJson: '{"city":' },
      { type: 'tool_call_delta', toolUseId: 'call_Paris01', partialJson: '"Paris"}' },
      { type: 'tool_call_delta', toolUseId: 'call_Athens02', partialJson: '"Athens"}' },
      { type: 'tool_call_end', toolUseId: 'call_Paris01', input: { city: 'Paris' } },
      { type: 'tool_call_end', toolUseId: 'call_Athens02', input: { city: 'Athens' } },
      { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 61, outputTokens: 36 } },
    ]);
  });

  it('streams reasoning_content as thinking, then the answer as text', async () => {
    await using server = await startChatServer([streamReply('reasoning-then-text')]);
    const { parts } = await collect(server);

    expect(parts).toEqual([
      { type: 'thinking', text: 'Two plus two' },
      { type: 'thinking', text: ' is four.' },
      { type: 'text', text: 'The answer' },
      { type: 'text', text: ' is 4.' },
      { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 20, outputTokens: 17 } },
    ]);
  });

  it('sends the history and the turn so far as chat messages, each step with its tool results', async () => {
    await using server = await startChatServer([streamReply('plain-text')]);
    const earlier = assistantMessage(
      [
        { index: 0, type: 'thinking', status: 'closed', text: 'They want the time.' },
        { index: 0, type: 'text', status: 'closed', text: 'It is noon. ' },
        { index: 0, type: 'tool_use', status: 'closed', toolName: 'weather', toolUseId: 'call_Rome', partialJson: '' },
      ],
      'interrupted',
    );
    const failed = assistantMessage([], 'error');
    const current = assistantMessage([
      { index: 0, type: 'text', status: 'closed', text: 'Checking both.' },
      {
        index: 0,
        type: 'tool_use',
        status: 'closed',
        toolName: 'weather',
        toolUseId: 'call_P',
        partialJson: '',
        input: { city: 'Paris' },
      },
      {
        index: 0,
        type: 'tool_use',
        status: 'closed',
        toolName: 'weather',
        toolUseId: 'call_A',
        partialJson: '',
        input: { city: 'Athens' },
      },
      {
        index: 0,
        type: 'tool_result',
        status: 'closed',
        toolUseId: 'call_P',
        text: '',
        result: { celsius: 18 },
        isError: false,
      },
      { index: 0, type: 'tool_result', status: 'closed', toolUseId: 'call_A', text: 'sunny…', result: 'sunny, 24 °C' },
      {
        index: 0,
        type: 'tool_use',
        status: 'closed',
        toolName: 'weather',
        toolUseId: 'call_L',
        partialJson: '',
        input: {},
      },
      { index: 0, type: 'tool_result', status: 'closed', toolUseId: 'call_L', text: 'half', isError: true },
    ]);
    const history = [
      userMessage(conversationId, 'What time is it?'),
      earlier,
      failed,
      userMessage(conversationId, 'Weather?'),
    ];
    await collect(server, requestFor({ history, current, tools: [weather] }));

    const call = (id: string, city?: string) => ({
      id,
      type: 'function',
      function: { name: 'weather', arguments: JSON.stringify(city === undefined ? {} : { city }) },
    });
    expect(server.requests[0]?.body.messages).toEqual([
      { role: 'user', content: 'What time is it?' },
      { role: 'assistant', content: 'It is noon. ', tool_calls: [call('call_Rome')] },
      { role: 'tool', tool_call_id: 'call_Rome', content: 'The tool call ended without a result.' },
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Checking both.', tool_calls: [call('call_P', 'Paris'), call('call_A', 'Athens')] },
      { role: 'tool', tool_call_id: 'call_P', content: '{"celsius":18}' },
      { role: 'tool', tool_call_id: 'call_A', content: 'sunny, 24 °C' },
      { role: 'assistant', content: null, tool_calls: [call('call_L')] },
      { role: 'tool', tool_call_id: 'call_L', content: 'half' },
    ]);
  });

  it('fails a 429 as rate_limited and retryable, with the wait the server asked for', async () => {
    await using server = await startChatServer([errorReply('rate-limited')]);
    const { parts, error } = await collect(server);

    expect(parts).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 2000, status: 429 });
    expect(server.requests).toHaveLength(1);
  });

  it('fails a 401 as authentication, not retryable, saying what the server said', async () => {
    await using server = await startChatServer([errorReply('unauthorized')]);
    const { error } = await collect(server);

    expect(error).toMatchObject({ code: 'authentication', retryable: false, status: 401 });
    expect((error as Error).message).toMatch(/Incorrect API key/);
  });

  it('fails as a retryable network error when the server cannot be reached', async () => {
    const server = await startChatServer([]);
    await server.close();
    const { error } = await collect(server);

    expect(error).toMatchObject({ code: 'network', retryable: true });
  });

  it('fails as a network error when the connection breaks mid-stream, after the text so far', async () => {
    await using server = await startChatServer([streamReply('cut-after-text', { hold: true })]);
    const { parts, error } = await collect(server, requestFor(), (sofar) => {
      if (sofar.length === 2) server.cutConnections();
    });

    expect(textOf(parts)).toBe('Once upon a time');
    expect(parts.map((part) => part.type)).toEqual(['text', 'text']);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });

  it('fails as provider_error when the server sends an error object mid-stream', async () => {
    await using server = await startChatServer([streamReply('error-in-stream')]);
    const { parts, error } = await collect(server);

    expect(textOf(parts)).toBe('Partial');
    expect(error).toMatchObject({ code: 'provider_error', retryable: true });
    expect((error as Error).message).toMatch(/The server had an error/);
  });

  it('fails when the stream ends cleanly but before a finish_reason', async () => {
    await using server = await startChatServer([streamReply('cut-after-text')]);
    const { parts, error } = await collect(server);

    expect(textOf(parts)).toBe('Once upon a time');
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });

  it('on abort mid-stream throws the abort reason and closes the connection', async () => {
    await using server = await startChatServer([streamReply('cut-after-text', { hold: true })]);
    const controller = new AbortController();
    const reason = new Error('cancelled by the user');
    const { parts, error } = await collect(server, requestFor({ signal: controller.signal }), (sofar) => {
      if (sofar.length === 1) controller.abort(reason);
    });

    expect(parts).toEqual([{ type: 'text', text: 'Once upon' }]);
    expect(error).toBe(reason);
    await server.requests[0]?.closed;
  });

  it('refuses an empty apiKey with a sentence that says what to pass', () => {
    expect(() => createOpenAIProvider({ apiKey: '', model: 'llama3.2' })).toThrow(/any text/);
  });
});
