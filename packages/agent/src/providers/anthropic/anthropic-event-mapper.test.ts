import type { Anthropic } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../provider-error.ts';
import { createAnthropicEventMapper } from './anthropic-event-mapper.ts';

/** Events as the API sends them; the SDK types ask for fields these tests do not need. */
const events = (list: readonly object[]) => list as Anthropic.RawMessageStreamEvent[];

const messageStart = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [],
    usage: { input_tokens: 5, output_tokens: 1 },
  },
};
const toolUse = (index: number, id: string) => ({
  type: 'content_block_start',
  index,
  content_block: { type: 'tool_use', id, name: 'clock', input: {} },
});
const stop = (reason: string) => ({
  type: 'message_delta',
  delta: { stop_reason: reason, stop_sequence: null },
  usage: { output_tokens: 3 },
});

function mapAll(list: readonly object[]) {
  const mapper = createAnthropicEventMapper();
  const parts = events(list).flatMap((event) => mapper.map(event));
  return { parts, finished: mapper.finished };
}

describe('Anthropic event mapper', () => {
  it('ends a tool call that streamed no input with {}', () => {
    const { parts } = mapAll([messageStart, toolUse(0, 'toolu_1'), { type: 'content_block_stop', index: 0 }]);
    expect(parts).toEqual([
      { type: 'tool_call_start', toolUseId: 'toolu_1', toolName: 'clock' },
      { type: 'tool_call_end', toolUseId: 'toolu_1', input: {} },
    ]);
  });

  it.each([
    ['end_turn', 'end_turn'],
    ['stop_sequence', 'end_turn'],
    ['tool_use', 'tool_use'],
    ['max_tokens', 'max_tokens'],
    ['model_context_window_exceeded', 'max_tokens'],
    ['refusal', 'end_turn'],
  ])('maps stop reason %s to %s', (reason, expected) => {
    const { parts, finished } = mapAll([messageStart, stop(reason), { type: 'message_stop' }]);
    expect(finished).toBe(true);
    expect(parts).toEqual([{ type: 'finish', stopReason: expected, usage: { inputTokens: 5, outputTokens: 3 } }]);
  });

  it('ignores signatures, citations and event types it does not know', () => {
    const { parts, finished } = mapAll([
      messageStart,
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'abc' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: {} } },
      { type: 'content_block_stop', index: 0 },
      { type: 'some_future_event', detail: 1 },
    ]);
    expect(parts).toEqual([]);
    expect(finished).toBe(false);
  });

  it('throws a non-retryable ProviderError for tool input that is not JSON', () => {
    const broken = [
      toolUse(0, 'toolu_1'),
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_stop', index: 0 },
    ];
    expect(() => mapAll(broken)).toThrow(ProviderError);
    expect(() => mapAll(broken)).toThrow(/not valid JSON/);
  });
});
