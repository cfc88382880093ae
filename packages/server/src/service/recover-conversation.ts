import type { ConversationState } from '@once/core';
import { type AppendDrafts, resumeMessageWriter } from '@once/producer';
import type { ConversationEventDraft } from '@once/protocol';
import type { QueuedTurn } from './turn-scheduler.ts';
import { unansweredTurns } from './unanswered-turns.ts';

/** What recovering one conversation did. */
export interface RecoveryResult {
  /** Messages that were streaming when the daemon stopped, now `interrupted`. */
  readonly interrupted: number;
  /** User messages accepted but never answered, to be queued again in order. */
  readonly unanswered: readonly QueuedTurn[];
}

/**
 * Closes what a crash left open in one conversation: every streaming message completes
 * as `interrupted` (its open blocks closed, its text kept) and a running turn ends as
 * `interrupted`. Safe to run twice: the second run finds nothing open.
 */
export async function recoverConversation(
  state: ConversationState,
  append: AppendDrafts,
  now: () => Date = () => new Date(),
): Promise<RecoveryResult> {
  let interrupted = 0;
  for (const message of state.messages) {
    if (message.status !== 'streaming') continue;
    await resumeMessageWriter(message, { append, now }).complete('interrupted');
    interrupted += 1;
  }
  if (state.activeTurn !== undefined) {
    const ts = now().toISOString();
    const base = { stream: 'conversation', conversationId: state.conversationId, ts } as const;
    const drafts: ConversationEventDraft[] = [
      { ...base, type: 'activity', data: { phase: 'idle' } },
      { ...base, type: 'turn_end', data: { turnId: state.activeTurn.turnId, reason: 'interrupted' } },
    ];
    await append(drafts);
  }
  const unanswered = unansweredTurns(state);
  return { interrupted, unanswered };
}
