import { type ConversationState, newestBelow, parentOf } from '@once/core';
import type { CommitListener, KeyedLock } from '@once/log';
import type { AppendDrafts } from '@once/producer';
import {
  type ClientMessageId,
  type ConversationEventDraft,
  type ConversationId,
  type MessageId,
  type MessageSnapshot,
  OnceError,
  type TurnId,
} from '@once/protocol';
import { awaitRegenerated, findRegenerated, userMessageOf } from './await-regenerated.ts';
import type { TurnDispatcher } from './turn-dispatcher.ts';
import { unansweredTurns } from './unanswered-turns.ts';

/** What a regenerate returns; the same ids again for a repeated clientMessageId. */
export interface RegenerateResult {
  /** The new turn, whose assistant message replaces the one regenerated. */
  readonly turnId: TurnId;
  /** The user message the new turn answers (the one the regenerated message answered). */
  readonly userMessageId: MessageId;
  /** True when this clientMessageId was already regenerated and nothing new was queued. */
  readonly duplicate: boolean;
}

/** What {@link createBranchRequests} needs from the conversation service. */
export interface BranchRequestsOptions {
  /** The conversation's state folded up to the log's head. */
  readonly current: (conversationId: ConversationId) => Promise<ConversationState>;
  readonly turns: TurnDispatcher;
  /** Registers a commit listener on the log; returns the function that unregisters it. */
  readonly onCommit: (listener: CommitListener) => () => void;
  /** The lock sends take, across daemons: a branch request and a send never interleave. */
  readonly sendLock: KeyedLock;
  readonly appendTo: (conversationId: ConversationId) => AppendDrafts;
  readonly newId: () => string;
  readonly now: () => Date;
}

/**
 * Regenerate, edit checks and branch switches (docs/decisions/022-branches.md). Each is
 * refused with `409 conflict` while a turn runs or waits in the conversation: a branch
 * changes what the next turn answers, so it waits until none is pending.
 */
export interface BranchRequests {
  /**
   * Queues a turn that answers the assistant message's user message again, its answer
   * opening with `replaces: messageId`. Nothing is written until the turn starts.
   */
  regenerate(
    conversationId: ConversationId,
    messageId: string,
    clientMessageId: ClientMessageId | undefined,
  ): Promise<RegenerateResult>;
  /**
   * Throws unless `replaces` names a user message and no turn is pending: call under the
   * send lock. @returns the parent the edit goes under (the edited message's; null: the start).
   */
  checkEdit(conversationId: ConversationId, state: ConversationState, replaces: string): MessageId | null;
  /** Appends `branch_selected`; @returns where the current path now ends. */
  selectBranch(conversationId: ConversationId, messageId: string): Promise<{ leafId: MessageId }>;
  /** Drops what is kept about a deleted conversation. */
  forget(conversationId: ConversationId): void;
}

/**
 * How long a regenerate that another daemon's turn keeps from being queued waits for an
 * answer carrying its clientMessageId (it may be a retry of a request that daemon
 * accepted), in ms, before it is refused with `409 conflict`. The answer opens within
 * milliseconds of the first request on a live daemon; seconds cover a loaded one.
 */
const RETRY_WAIT_MS = 5_000;
/** A regenerate that another daemon's turn kept from being queued here (it may be running it). */
const QUEUED_ELSEWHERE = Symbol('queued elsewhere');

function busyConflict(): OnceError {
  return new OnceError(
    'conflict',
    'A turn is running or waiting in this conversation: wait for it to end, or cancel it (POST /v1/conversations/:id/cancel), then try again.',
  );
}

export function createBranchRequests(options: BranchRequestsOptions): BranchRequests {
  const { turns } = options;
  // Regenerate turns queued here and not yet opened: a retry finds them before the log has them.
  const queued = new Map<string, { clientMessageId: ClientMessageId; result: RegenerateResult }>();

  const isBusy = (conversationId: ConversationId, state: ConversationState) =>
    state.activeTurn !== undefined || unansweredTurns(state).length > 0 || turns.pending(conversationId) > 0;
  const refuseWhileBusy = (conversationId: ConversationId, state: ConversationState) => {
    if (isBusy(conversationId, state)) throw busyConflict();
  };

  return {
    async regenerate(conversationId, messageId, clientMessageId) {
      const requestId = clientMessageId ?? (options.newId() as ClientMessageId);
      // Only a request the client named can be a retry of one another daemon accepted.
      const mayBeElsewhere = () =>
        clientMessageId !== undefined && turns.pending(conversationId) === 0 && !turns.holds(conversationId);
      let outcome: RegenerateResult | typeof QUEUED_ELSEWHERE;
      try {
        outcome = await options.sendLock.run(conversationId, async () => {
          const state = await options.current(conversationId);
          const repeated = findRegenerated(state, requestId) ?? queuedResult(queued.get(conversationId), requestId);
          if (repeated !== undefined) return { ...repeated, duplicate: true };
          const target = messageOf(state, messageId);
          if (target.role !== 'assistant') {
            throw new OnceError(
              'invalid_request',
              `Message ${target.id} is a user message: regenerate takes an assistant message; to change a question, send it again with "replaces".`,
            );
          }
          if (isBusy(conversationId, state)) {
            if (mayBeElsewhere()) return QUEUED_ELSEWHERE;
            throw busyConflict();
          }
          const userMessageId = userMessageOf(state, target.id);
          if (userMessageId === undefined) {
            throw new OnceError(
              'invalid_request',
              `Message ${target.id} answers no user message this daemon can find, so there is nothing to answer again.`,
            );
          }
          const turnId = options.newId() as TurnId;
          const result: RegenerateResult = { turnId, userMessageId, duplicate: false };
          const turn = { turnId, userMessageId, replaces: target.id, clientMessageId: requestId };
          if (!(await turns.enqueue(conversationId, turn))) {
            if (mayBeElsewhere()) return QUEUED_ELSEWHERE;
            throw new OnceError(
              'conflict',
              'Another daemon is running a turn in this conversation: wait for it to end, then try again.',
            );
          }
          queued.set(conversationId, { clientMessageId: requestId, result });
          return result;
        });
      } catch (error) {
        // Gives back a lease taken for a turn that was not queued.
        await turns.wake(conversationId).catch(() => {});
        throw error;
      }
      if (outcome !== QUEUED_ELSEWHERE) return outcome;
      // As on a refusal: gives back a lease taken for a turn that was not queued.
      await turns.wake(conversationId).catch(() => {});
      // Outside the send lock: sends through this daemon need not wait for the answer.
      const answered = await awaitRegenerated(
        { current: options.current, onCommit: options.onCommit, timeoutMs: RETRY_WAIT_MS },
        conversationId,
        requestId,
      );
      if (answered === undefined) throw busyConflict();
      return { ...answered, duplicate: true };
    },
    checkEdit(conversationId, state, replaces) {
      const target = messageOf(state, replaces);
      if (target.role !== 'user') {
        throw new OnceError(
          'invalid_request',
          `Message ${target.id} is an assistant message: only a user message can be edited; regenerate the answer instead.`,
        );
      }
      refuseWhileBusy(conversationId, state);
      return parentOf(state, target.id) ?? null;
    },
    async selectBranch(conversationId, messageId) {
      return options.sendLock.run(conversationId, async () => {
        const state = await options.current(conversationId);
        const target = messageOf(state, messageId);
        refuseWhileBusy(conversationId, state);
        const draft = {
          stream: 'conversation',
          conversationId,
          type: 'branch_selected',
          ts: options.now().toISOString(),
          data: { messageId: target.id },
        } as ConversationEventDraft;
        await options.appendTo(conversationId)([draft]);
        return { leafId: newestBelow(state.messages, target.id) ?? target.id };
      });
    },
    forget(conversationId) {
      queued.delete(conversationId);
    },
  };
}

function messageOf(state: ConversationState, messageId: string): MessageSnapshot {
  const message = state.messages.find((entry) => entry.id === messageId);
  if (message === undefined) {
    throw new OnceError('message_not_found', `No message ${messageId.slice(0, 100)} in this conversation.`);
  }
  return message;
}

function queuedResult(
  entry: { clientMessageId: ClientMessageId; result: RegenerateResult } | undefined,
  clientMessageId: ClientMessageId,
) {
  return entry?.clientMessageId === clientMessageId ? entry.result : undefined;
}
