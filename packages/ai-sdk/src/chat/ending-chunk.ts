import type { MessageSnapshot } from '@once/protocol';
import type { FinishReason, UIMessageChunk } from 'ai';

/** The error text a failed message shows when Once recorded no message for it. */
export const UNKNOWN_ERROR_TEXT = 'The assistant stopped with an error.';

/**
 * The chunk that ends a UI message stream for a Once message that ended, chosen for what
 * the AI SDK's `Chat` then shows:
 *
 * - `complete` → `finish` with the stop reason as a finish reason (`end_turn` → `stop`,
 *   `tool_use` → `tool-calls`, `max_tokens` → `length`, …): status `ready`.
 * - `interrupted` (the daemon stopped mid-turn) → `finish` with finish reason
 *   `interrupted`: status `ready`, and `Chat` marks the message interrupted and pauses
 *   its queue of messages to send.
 * - `cancelled` (the user stopped it) → `abort`: `Chat` keeps the text so far and goes
 *   `ready`, as after its own `stop()`.
 * - `error` → `error` with Once's error message: `Chat` goes to status `error` with
 *   that message as its `error`.
 *
 * `undefined` while the message streams.
 */
export function endingChunkOf(message: MessageSnapshot): UIMessageChunk | undefined {
  switch (message.status) {
    case 'streaming':
      return undefined;
    case 'complete':
      return { type: 'finish', finishReason: finishReasonOf(message.stopReason) };
    case 'interrupted':
      return { type: 'finish', finishReason: 'interrupted' };
    case 'cancelled':
      return { type: 'abort', reason: 'The turn was cancelled.' };
    case 'error':
      return { type: 'error', errorText: message.error?.message ?? UNKNOWN_ERROR_TEXT };
  }
}

/** Once's stop reason (Anthropic's words, or the AI SDK's with `_`) as the AI SDK's finish reason. */
function finishReasonOf(stopReason: string | undefined): FinishReason {
  switch (stopReason) {
    case undefined:
    case 'end_turn':
    case 'stop_sequence':
    case 'stop':
      return 'stop';
    case 'tool_use':
    case 'tool_calls':
      return 'tool-calls';
    case 'max_tokens':
    case 'length':
      return 'length';
    case 'content_filter':
    case 'refusal':
      return 'content-filter';
    default:
      return 'other';
  }
}
