import type { JsonValue, ToolResultBlock, ToolUseBlock } from '@once/protocol';

/** Where a tool call stands, as its card shows it (and as `data-state` names it). */
export type ToolCallState = 'input-streaming' | 'awaiting-approval' | 'running' | 'done' | 'error' | 'denied';

/** What {@link toolCallState} reads. */
export interface ToolCallFacts {
  /** The tool_use block; absent for a result whose call is not in the message. */
  readonly call: ToolUseBlock | undefined;
  /** The tool_result block with the call's toolUseId, once it opened. */
  readonly result: ToolResultBlock | undefined;
  /** The conversation's pendingApprovals holds this call. */
  readonly awaitingApproval: boolean;
  /** The user denied the call in this tab (the result may not have arrived yet). */
  readonly deniedHere: boolean;
  /** The message is no longer streaming: a call with no result will not get one. */
  readonly messageEnded: boolean;
}

/**
 * The result @once/agent writes for a call the user denied. The protocol has no field for
 * "denied", so a page that did not click Deny itself (a reload, another tab) recognises it.
 */
const DENIED_ERROR = 'The user did not allow this tool call.';

/** True when a result is the agent's answer to a denied approval. */
export function isDenial(result: ToolResultBlock): boolean {
  return result.isError === true && errorMessageOf(result.result) === DENIED_ERROR;
}

/** The `error` string of an error result shaped `{ error: "…" }`, else undefined. */
export function errorMessageOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const error = value.error;
  return typeof error === 'string' ? error : undefined;
}

/** Folds what the store knows about one call into the one state its card shows. */
export function toolCallState(facts: ToolCallFacts): ToolCallState {
  const { call, result } = facts;
  if (result === undefined) {
    if (facts.deniedHere) return 'denied';
    if (facts.awaitingApproval) return 'awaiting-approval';
    if (facts.messageEnded) return 'error';
    return call?.status === 'open' ? 'input-streaming' : 'running';
  }
  if (facts.deniedHere || isDenial(result)) return 'denied';
  if (result.status === 'open') return facts.messageEnded ? 'error' : 'running';
  return result.isError === true ? 'error' : 'done';
}

/** A short label for each state, shown as the card's badge. */
export const TOOL_CALL_STATE_LABELS: Readonly<Record<ToolCallState, string>> = {
  'input-streaming': 'Preparing',
  'awaiting-approval': 'Needs your approval',
  running: 'Running',
  done: 'Done',
  error: 'Failed',
  denied: 'Denied',
};
