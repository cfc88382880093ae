import type { Anthropic } from '@anthropic-ai/sdk';
import type { JsonValue } from '@once/protocol';
import type { ModelPart, StopReason } from '../../model-provider.ts';
import { ProviderError } from '../../provider-error.ts';

/** Turns the events of one Anthropic message stream into provider-neutral parts. */
export interface AnthropicEventMapper {
  /** The parts one stream event becomes, in order (often none). */
  map(event: Anthropic.RawMessageStreamEvent): ModelPart[];
  /** True once `message_stop` arrived and the `finish` part was produced. */
  readonly finished: boolean;
}

/**
 * Creates the mapper for one model call. Text and thinking deltas pass through; a
 * `tool_use` block becomes `tool_call_start`, a `tool_call_delta` per JSON fragment and,
 * at its `content_block_stop`, `tool_call_end` with the parsed input (`{}` when the model
 * sent none). Input tokens come from `message_start`, output tokens and the stop reason
 * from the last `message_delta`; `message_stop` yields `finish`. Event and delta types
 * Once does not know (signatures, citations, types added later) are ignored, as
 * Anthropic's versioning policy asks of clients.
 */
export function createAnthropicEventMapper(): AnthropicEventMapper {
  const toolCalls = new Map<number, { id: string; json: string }>();
  let inputTokens = 0;
  let outputTokens = 0;
  let stopReason: StopReason = 'end_turn';
  let finished = false;

  const map = (event: Anthropic.RawMessageStreamEvent): ModelPart[] => {
    switch (event.type) {
      case 'message_start':
        inputTokens = event.message.usage.input_tokens;
        outputTokens = event.message.usage.output_tokens;
        return [];
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type !== 'tool_use') return [];
        toolCalls.set(event.index, { id: block.id, json: '' });
        return [{ type: 'tool_call_start', toolUseId: block.id, toolName: block.name }];
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta') return delta.text === '' ? [] : [{ type: 'text', text: delta.text }];
        if (delta.type === 'thinking_delta') {
          return delta.thinking === '' ? [] : [{ type: 'thinking', text: delta.thinking }];
        }
        const call = toolCalls.get(event.index);
        if (delta.type !== 'input_json_delta' || call === undefined || delta.partial_json === '') return [];
        call.json += delta.partial_json;
        return [{ type: 'tool_call_delta', toolUseId: call.id, partialJson: delta.partial_json }];
      }
      case 'content_block_stop': {
        const call = toolCalls.get(event.index);
        if (call === undefined) return [];
        toolCalls.delete(event.index);
        return [{ type: 'tool_call_end', toolUseId: call.id, input: parseInput(call.json) }];
      }
      case 'message_delta':
        if (event.delta.stop_reason !== null) stopReason = toStopReason(event.delta.stop_reason);
        outputTokens = event.usage.output_tokens;
        return [];
      case 'message_stop':
        finished = true;
        return [{ type: 'finish', stopReason, usage: { inputTokens, outputTokens } }];
      default:
        return [];
    }
  };

  return {
    map,
    get finished() {
      return finished;
    },
  };
}

/**
 * Anthropic's stop reasons in Once's terms. `refusal` and `pause_turn` end the turn;
 * running out of context window is reported like running out of `max_tokens`.
 */
function toStopReason(reason: Anthropic.StopReason): StopReason {
  switch (reason) {
    case 'tool_use':
      return 'tool_use';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens';
    default:
      return 'end_turn';
  }
}

function parseInput(json: string): JsonValue {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json) as JsonValue;
  } catch (cause) {
    throw new ProviderError('provider_error', `Anthropic sent tool input that is not valid JSON: ${json}`, {
      retryable: false,
      cause,
    });
  }
}
