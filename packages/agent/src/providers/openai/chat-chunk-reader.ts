import type { JsonValue, Usage } from '@once/protocol';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { ModelPart, StopReason } from '../../model-provider.ts';
import { ProviderError } from '../../provider-error.ts';

/**
 * The key under which a tool call's arguments are kept when they are not valid JSON
 * (typically cut short by `max_tokens`): the call ends with `{ _unparsed: "<raw text>" }`
 * so the turn keeps what the model wrote instead of failing, and a tool can tell the
 * model its arguments were broken.
 */
export const UNPARSED_ARGUMENTS = '_unparsed';

/** Reads a Chat Completions stream chunk by chunk, as provider-neutral model parts. */
export interface ChatChunkReader {
  /** The parts one chunk carries, in order: thinking, text, tool call parts, tool call ends. */
  read(chunk: ChatCompletionChunk): ModelPart[];
  /**
   * The parts that close the stream: tool calls not ended yet, then `finish`.
   * Throws a retryable `network` {@link ProviderError} when no `finish_reason` came:
   * the stream ended before the model was done.
   */
  end(): ModelPart[];
}

/** Fields some OpenAI-compatible servers add to a delta: vLLM and DeepSeek send
 * `reasoning_content`, Ollama and OpenRouter send `reasoning`. */
interface ReasoningDelta {
  readonly reasoning_content?: string | null;
  readonly reasoning?: string | null;
}

interface ToolCallState {
  id: string | undefined;
  name: string | undefined;
  arguments: string;
  started: boolean;
  ended: boolean;
}

/**
 * Creates a reader for one model call. Only choice 0 is read (we never ask for `n > 1`).
 *
 * ```
 *   streaming ──finish_reason──▶ finished ──end()──▶ finish part
 *       └────────────────end()──▶ ProviderError (cut short)
 * ```
 *
 * A tool call starts once its name is known (the first chunk for its index normally
 * carries `id` and `function.name`); argument fragments that came before that are sent
 * with the start. A server that sends no `id` gets one made from the completion id.
 */
export function createChatChunkReader(): ChatChunkReader {
  const toolCalls = new Map<number, ToolCallState>();
  let finishReason: ChatCompletionChunk.Choice['finish_reason'] | undefined;
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };

  const endToolCalls = (): ModelPart[] =>
    [...toolCalls.entries()]
      .sort(([left], [right]) => left - right)
      .flatMap(([, call]) => {
        if (!call.started || call.ended || call.id === undefined) return [];
        call.ended = true;
        return [{ type: 'tool_call_end', toolUseId: call.id, input: parseArguments(call.arguments) } as const];
      });

  return {
    read(chunk) {
      if (chunk.usage) {
        usage = { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0 };
      }
      // vLLM ends with a usage chunk whose `choices` is null.
      const choice = (chunk.choices ?? []).find((candidate) => candidate.index === 0);
      if (choice === undefined) return [];
      const parts: ModelPart[] = [];
      const delta: ChatCompletionChunk.Choice.Delta & ReasoningDelta = choice.delta ?? {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) parts.push({ type: 'thinking', text: reasoning });
      if (delta.content) parts.push({ type: 'text', text: delta.content });
      if (delta.refusal) parts.push({ type: 'text', text: delta.refusal });
      for (const fragment of delta.tool_calls ?? []) {
        let call = toolCalls.get(fragment.index);
        if (call === undefined) {
          call = { id: undefined, name: undefined, arguments: '', started: false, ended: false };
          toolCalls.set(fragment.index, call);
        }
        call.id ??= fragment.id || undefined;
        call.name ??= fragment.function?.name || undefined;
        const argumentsFragment = fragment.function?.arguments ?? '';
        call.arguments += argumentsFragment;
        if (call.started) {
          if (argumentsFragment !== '' && call.id !== undefined) {
            parts.push({ type: 'tool_call_delta', toolUseId: call.id, partialJson: argumentsFragment });
          }
        } else if (call.name !== undefined) {
          call.started = true;
          call.id ??= `${chunk.id}-call-${fragment.index}`;
          parts.push({ type: 'tool_call_start', toolUseId: call.id, toolName: call.name });
          if (call.arguments !== '') {
            parts.push({ type: 'tool_call_delta', toolUseId: call.id, partialJson: call.arguments });
          }
        }
      }
      if (choice.finish_reason) {
        finishReason = choice.finish_reason;
        parts.push(...endToolCalls());
      }
      return parts;
    },

    end() {
      if (finishReason === undefined) {
        throw new ProviderError('network', 'The model stream ended before the model finished its answer.', {
          retryable: true,
        });
      }
      const calledTools = [...toolCalls.values()].some((call) => call.started);
      return [...endToolCalls(), { type: 'finish', stopReason: toStopReason(finishReason, calledTools), usage }];
    },
  };
}

/**
 * `stop` → `end_turn`, `tool_calls` → `tool_use`, `length` → `max_tokens`. Some servers
 * (older Ollama, some vLLM templates) say `stop` after calling tools; a call that ended
 * with tool calls and did not run out of tokens wants their results, so it is `tool_use`.
 * `content_filter` ends the turn.
 */
function toStopReason(reason: ChatCompletionChunk.Choice['finish_reason'], calledTools: boolean): StopReason {
  if (reason === 'length') return 'max_tokens';
  if (reason === 'tool_calls' || reason === 'function_call' || calledTools) return 'tool_use';
  return 'end_turn';
}

/** Empty arguments mean "no input" (`{}`); text that is not JSON is kept, see {@link UNPARSED_ARGUMENTS}. */
function parseArguments(text: string): JsonValue {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return { [UNPARSED_ARGUMENTS]: text };
  }
}
