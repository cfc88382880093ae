import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import type { ModelPart } from '../../model-provider.ts';
import { createChatChunkReader } from './chat-chunk-reader.ts';

type Delta = ChatCompletionChunk.Choice.Delta & { reasoning?: string };

function chunk(delta: Delta, finishReason: ChatCompletionChunk.Choice['finish_reason'] = null): ChatCompletionChunk {
  return {
    id: 'chatcmpl-unit',
    object: 'chat.completion.chunk',
    created: 1_763_931_600,
    model: 'llama3.2',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

function readAll(chunks: readonly ChatCompletionChunk[]): ModelPart[] {
  const reader = createChatChunkReader();
  return [...chunks.flatMap((each) => reader.read(each)), ...reader.end()];
}

const call = (index: number, fields: { id?: string; name?: string; arguments?: string }) => ({
  tool_calls: [
    {
      index,
      ...(fields.id === undefined ? {} : { id: fields.id }),
      function: {
        ...(fields.name === undefined ? {} : { name: fields.name }),
        ...(fields.arguments === undefined ? {} : { arguments: fields.arguments }),
      },
    },
  ],
});

const endOf = (parts: readonly ModelPart[]) => parts.filter((part) => part.type === 'tool_call_end');
const finishOf = (parts: readonly ModelPart[]) => parts.at(-1);

describe('Chat Completions chunk reader', () => {
  it('reads Ollama’s `reasoning` as thinking and a refusal as text', () => {
    const parts = readAll([chunk({ reasoning: 'Hmm.' }), chunk({ refusal: 'I can’t help with that.' }, 'stop')]);
    expect(parts.slice(0, 2)).toEqual([
      { type: 'thinking', text: 'Hmm.' },
      { type: 'text', text: 'I can’t help with that.' },
    ]);
  });

  it('finishes with zero usage when the server sends none', () => {
    expect(finishOf(readAll([chunk({ content: 'Hi' }, 'stop')]))).toEqual({
      type: 'finish',
      stopReason: 'end_turn',
      usage: { inputTokens: 0, outputTokens: 0 },
    });
  });

  it('takes usage from a final chunk whose choices are null, as vLLM sends it', () => {
    const usageOnly = {
      ...chunk({}),
      choices: null,
      usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
    } as unknown as ChatCompletionChunk;
    expect(finishOf(readAll([chunk({ content: 'Hi' }, 'stop'), usageOnly]))).toMatchObject({
      usage: { inputTokens: 7, outputTokens: 2 },
    });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['content_filter', 'end_turn'],
    ['tool_calls', 'tool_use'],
  ] as const)('maps finish_reason %s to %s', (finishReason, stopReason) => {
    expect(finishOf(readAll([chunk({ content: 'x' }, finishReason)]))).toMatchObject({ stopReason });
  });

  it('says tool_use when a server finishes with `stop` after calling a tool', () => {
    const parts = readAll([chunk(call(0, { id: 'call_1', name: 'clock', arguments: '{}' }), 'stop')]);
    expect(finishOf(parts)).toMatchObject({ stopReason: 'tool_use' });
  });

  it('ends a call with empty arguments as {} and unparseable ones under _unparsed', () => {
    const parts = readAll([
      chunk(call(0, { id: 'call_empty', name: 'clock', arguments: '' })),
      chunk(call(1, { id: 'call_broken', name: 'weather', arguments: '{"city": "Par' })),
      chunk({}, 'length'),
    ]);
    expect(endOf(parts)).toEqual([
      { type: 'tool_call_end', toolUseId: 'call_empty', input: {} },
      { type: 'tool_call_end', toolUseId: 'call_broken', input: { _unparsed: '{"city": "Par' } },
    ]);
    expect(finishOf(parts)).toMatchObject({ stopReason: 'max_tokens' });
  });

  it('starts a call once its name is known, with an id made up when the server sends none', () => {
    const parts = readAll([
      chunk(call(0, { arguments: '{"time' })),
      chunk(call(0, { name: 'clock', arguments: 'Zone":' })),
      chunk(call(0, { arguments: '"UTC"}' }), 'tool_calls'),
    ]);
    const toolUseId = 'chatcmpl-unit-call-0';
    expect(parts.slice(0, -1)).toEqual([
      { type: 'tool_call_start', toolUseId, toolName: 'clock' },
      { type: 'tool_call_delta', toolUseId, partialJson: '{"timeZone":' },
      { type: 'tool_call_delta', toolUseId, partialJson: '"UTC"}' },
      { type: 'tool_call_end', toolUseId, input: { timeZone: 'UTC' } },
    ]);
  });

  it('ends each tool call once, when finish_reason arrives rather than at the end', () => {
    const reader = createChatChunkReader();
    reader.read(chunk(call(0, { id: 'call_1', name: 'clock', arguments: '{}' })));
    expect(reader.read(chunk({}, 'tool_calls'))).toEqual([{ type: 'tool_call_end', toolUseId: 'call_1', input: {} }]);
    expect(reader.end().map((part) => part.type)).toEqual(['finish']);
  });

  it('throws a retryable network error when the stream ends without a finish_reason', () => {
    const reader = createChatChunkReader();
    reader.read(chunk({ content: 'Cut' }));
    expect(() => reader.end()).toThrow(expect.objectContaining({ code: 'network', retryable: true }));
  });
});
