import type { ConversationState } from '@once/core';
import { type AppendDrafts, createMessageWriter, resumeMessageWriter } from '@once/producer';
import type { ConversationEventDraft } from '@once/protocol';
import type { QueuedTurn } from './turn-scheduler.ts';
import { unansweredTurns } from './unanswered-turns.ts';

/** What recovering one conversation did. */
export interface RecoveryResult {
  /**
   * Messages closed as `interrupted`: those streaming when the daemon stopped, and the
   * empty answer stored for a turn cut off before its answer opened.
   */
  readonly interrupted: number;
  /** User messages accepted but never answered, to be queued again in order. */
  readonly unanswered: readonly QueuedTurn[];
}

/**
 * Closes what a crash left open in one conversation: every streaming message completes
 * as `interrupted` (its open blocks closed, its text kept) and a running turn ends as
 * `interrupted`, its answer stored empty and `interrupted` if it had not opened one. Safe
 * to run twice: the second run finds nothing open.
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
    const { turnId, replaces, clientMessageId } = state.activeTurn;
    // Cut off before its answer opened: the answer is stored empty and interrupted, so that
    // its user message reads as answered (a turn ran) and no later wake runs it again. A
    // regenerate turn's answer opens as it would have (decision 040): beside the answer it
    // replaces, carrying the request's clientMessageId, which a retry of the request finds.
    if (!state.messages.some((message) => message.role === 'assistant' && message.turnId === turnId)) {
      await createMessageWriter(
        {
          conversationId: state.conversationId,
          role: 'assistant',
          turnId,
          ...(replaces === undefined ? {} : { replaces }),
          ...(clientMessageId === undefined ? {} : { clientMessageId }),
        },
        { append, now },
      ).complete('interrupted');
      interrupted += 1;
    }
    const ts = now().toISOString();
    const base = { stream: 'conversation', conversationId: state.conversationId, ts } as const;
    const drafts: ConversationEventDraft[] = [
      { ...base, type: 'activity', data: { phase: 'idle' } },
      { ...base, type: 'turn_end', data: { turnId, reason: 'interrupted' } },
    ];
    await append(drafts);
  }
  const unanswered = unansweredTurns(state);
  return { interrupted, unanswered };
}
