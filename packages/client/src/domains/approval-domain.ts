import { type ActiveTurn, type ConversationState, reduce } from '@once/core';
import {
  type ApprovalRequestEvent,
  type ApprovalResolvedEvent,
  isKnownEvent,
  type PendingApproval,
  type TurnEndEvent,
  type TurnStartEvent,
} from '@once/protocol';
import { conversationBefore } from './conversation-before.ts';
import type { DomainDefinition } from './domain-definition.ts';

/** The approval domain's state: the tool calls waiting for a decision, and their turn. */
export interface ApprovalDomainState {
  /** Tool calls waiting for a decision, oldest first. */
  readonly pendingApprovals: readonly PendingApproval[];
  /** The running turn: its end withdraws whatever still waits. */
  readonly activeTurn?: ActiveTurn;
}

/**
 * The events of the approval domain. `turn_start` and `turn_end` are among them because a
 * turn's end withdraws the approvals still waiting.
 */
export type ApprovalDomainEvent = ApprovalRequestEvent | ApprovalResolvedEvent | TurnStartEvent | TurnEndEvent;

const TYPES: ReadonlySet<string> = new Set<ApprovalDomainEvent['type']>([
  'approval_request',
  'approval_resolved',
  'turn_start',
  'turn_end',
]);

/** Tool approvals: `approval_request`, `approval_resolved`, and the turn boundaries that clear them. */
export const approvalDomain: DomainDefinition<ConversationState, ApprovalDomainState, ApprovalDomainEvent> = {
  name: 'approval',
  project: pickApprovals,
  claim: (event) =>
    isKnownEvent(event) && TYPES.has(event.type) ? { event: event as ApprovalDomainEvent } : undefined,
  fold: (state, event) => pickApprovals(reduce(conversationBefore(event, pickApprovals(state)), event)),
};

function pickApprovals(state: {
  readonly pendingApprovals: readonly PendingApproval[];
  readonly activeTurn?: ActiveTurn;
}) {
  const picked: ApprovalDomainState =
    state.activeTurn === undefined
      ? { pendingApprovals: state.pendingApprovals }
      : { pendingApprovals: state.pendingApprovals, activeTurn: state.activeTurn };
  return picked;
}
