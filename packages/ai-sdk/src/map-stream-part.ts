import { type ModelPart, ProviderError, type StopReason } from '@once/agent';
import type { JsonValue, Usage } from '@once/protocol';
import type {
  FinishReason,
  Experimental_LanguageModelStreamPart as LanguageModelStreamPart,
  LanguageModelUsage,
} from 'ai';

/** Turns the parts of one AI SDK model call's stream into Once's provider-neutral parts. */
export interface StreamPartMapper {
  /** The Once parts one AI SDK part becomes, in order (often none). */
  map(part: LanguageModelStreamPart): ModelPart[];
}

/**
 * Creates the mapper for one model call (one step).
 *
 * | AI SDK part                         | Once part                                           |
 * | ----------------------------------- | --------------------------------------------------- |
 * | `text-delta`                        | `text`                                              |
 * | `reasoning-delta`                   | `thinking`                                          |
 * | `tool-input-start`                  | `tool_call_start`                                   |
 * | `tool-input-delta` (JSON encoding)  | `tool_call_delta`                                   |
 * | `tool-call`                         | `tool_call_end` with the parsed input (after a `tool_call_start` when no `tool-input-start` came) |
 * | `model-call-end`                    | `finish`, its stop reason and usage                 |
 *
 * Tool calls the provider runs itself (`providerExecuted`) are left out: Once's loop could
 * not run them. A `tool-call` the AI SDK found invalid (unknown tool, input that is not
 * JSON) still ends its block — with the input as sent — so Once's tool loop answers it
 * with an error the model reads. Start/end markers, sources, files and the rest carry
 * nothing Once stores and are ignored; `error` is the caller's to handle. A stream that
 * ends without `model-call-end` yields no `finish`: the turn runner reports the call as
 * ended without finishing.
 */
export function createStreamPartMapper(): StreamPartMapper {
  const started = new Map<string, { readonly streamsJson: boolean }>();
  const skipped = new Set<string>();
  let calls = 0;

  const map = (part: LanguageModelStreamPart): ModelPart[] => {
    switch (part.type) {
      case 'text-delta':
        return part.text === '' ? [] : [{ type: 'text', text: part.text }];
      case 'reasoning-delta':
        return part.text === '' ? [] : [{ type: 'thinking', text: part.text }];
      case 'tool-input-start':
        if (part.providerExecuted === true) {
          skipped.add(part.id);
          return [];
        }
        started.set(part.id, { streamsJson: part.inputEncoding !== 'text' });
        return [{ type: 'tool_call_start', toolUseId: part.id, toolName: part.toolName }];
      case 'tool-input-delta':
        // A text-encoded input streams raw text, not JSON; its `tool-call` still brings the JSON.
        if (part.delta === '' || started.get(part.id)?.streamsJson !== true) return [];
        return [{ type: 'tool_call_delta', toolUseId: part.id, partialJson: part.delta }];
      case 'tool-call': {
        if (part.providerExecuted === true || skipped.has(part.toolCallId)) return [];
        calls += 1;
        const end: ModelPart = { type: 'tool_call_end', toolUseId: part.toolCallId, input: toJson(part.input) };
        if (started.delete(part.toolCallId)) return [end];
        return [{ type: 'tool_call_start', toolUseId: part.toolCallId, toolName: part.toolName }, end];
      }
      case 'model-call-end':
        return [{ type: 'finish', stopReason: toStopReason(part.finishReason, calls), usage: toUsage(part.usage) }];
      default:
        return [];
    }
  };

  return { map };
}

/**
 * The AI SDK's finish reason in Once's terms. As in the AI SDK's own loop, a step that
 * called tools and stopped with `tool-calls` or `stop` (some providers say `stop`) wants
 * their results; without a call there is nothing for Once to run, and the turn ends.
 * `length` ran out of output tokens. `interrupted` (the provider's stream ended without
 * saying it finished) and `error` are failures, thrown as a retryable
 * {@link ProviderError}: the turn runner retries only when nothing was written yet.
 */
function toStopReason(reason: FinishReason, calls: number): StopReason {
  switch (reason) {
    case 'tool-calls':
    case 'stop':
      return calls > 0 ? 'tool_use' : 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'interrupted':
      throw new ProviderError('network', 'The model stream ended before the model finished.', { retryable: true });
    case 'error':
      throw new ProviderError('provider_error', 'The model stopped with an error.', { retryable: true });
    default:
      return 'end_turn';
  }
}

/**
 * Tokens in Once's terms; a count the provider did not report is 0. Cache and reasoning
 * counts ride along (`cacheReadTokens`, `cacheWriteTokens`, `reasoningTokens`) when reported.
 */
function toUsage(usage: LanguageModelUsage): Usage {
  const extras = {
    cacheReadTokens: usage.inputTokenDetails.cacheReadTokens,
    cacheWriteTokens: usage.inputTokenDetails.cacheWriteTokens,
    reasoningTokens: usage.outputTokenDetails.reasoningTokens,
  };
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    ...Object.fromEntries(Object.entries(extras).filter(([, count]) => count !== undefined)),
  };
}

/** A tool input the AI SDK parsed from JSON (or kept as the raw text when it was not JSON). */
function toJson(input: unknown): JsonValue {
  return input === undefined ? {} : (input as JsonValue);
}
