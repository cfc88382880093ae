import type { JsonValue, ToolResultBlock, ToolUseBlock } from '@once/protocol';

/**
 * How a closed tool_result reads in the AI SDK: its output, a denial, or an error with
 * the text a user sees. Shared by {@link toUIMessages} and the chat projector, so a
 * message streamed and the same message loaded show the same tool part.
 */
export type ToolOutcome =
  | { readonly kind: 'output'; readonly output: JsonValue | undefined }
  | { readonly kind: 'denied' }
  | { readonly kind: 'error'; readonly errorText: string };

/** The outcome of a closed tool_result block. */
export function toolOutcomeOf(result: ToolResultBlock): ToolOutcome {
  if (result.isError !== true) return { kind: 'output', output: result.result };
  if (isDenied(result.result)) return { kind: 'denied' };
  return { kind: 'error', errorText: errorTextOf(result) };
}

/** A closed call's input: the parsed input it closed with, else its JSON text parsed, else `{}`. */
export function closedInputOf(call: ToolUseBlock): JsonValue {
  return call.input ?? partialInput(call.partialJson) ?? {};
}

/** The streamed JSON text parsed when it is complete JSON already, else `undefined`. */
export function partialInput(partialJson: string): JsonValue | undefined {
  try {
    return JSON.parse(partialJson) as JsonValue;
  } catch {
    return undefined;
  }
}

function isDenied(result: JsonValue | undefined): boolean {
  return typeof result === 'object' && result !== null && !Array.isArray(result) && result.denied === true;
}

function errorTextOf(result: ToolResultBlock): string {
  if (typeof result.result === 'string') return result.result;
  if (result.text !== '') return result.text;
  const error =
    typeof result.result === 'object' && result.result !== null
      ? (result.result as { error?: unknown }).error
      : undefined;
  return typeof error === 'string' ? error : JSON.stringify(result.result ?? null);
}
