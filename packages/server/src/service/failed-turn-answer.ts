import type { ConversationState } from '@once/core';
import { type AppendDrafts, createMessageWriter } from '@once/producer';
import type { ConversationEventDraft, ConversationId } from '@once/protocol';
import type { QueuedTurn } from './turn-scheduler.ts';

/** What the answer of a turn that failed before it wrote anything says. */
export const TURN_FAILED_MESSAGE =
  'This turn failed before it could answer (see the daemon log); send the message again or regenerate the answer.';

/**
 * Whether a turn left nothing in the log: it never started (or its start was recovered
 * away) and no assistant message of it opened. A turn of a send and a regenerate turn
 * alike: a regenerate turn's user message is answered already, so only its turn id tells.
 */
export function leftNoTrace(state: ConversationState, turn: QueuedTurn): boolean {
  return (
    state.activeTurn?.turnId !== turn.turnId &&
    !state.messages.some((message) => message.role === 'assistant' && message.turnId === turn.turnId)
  );
}

/**
 * Stores the answer of a turn whose runner failed before it wrote anything (its history
 * could not be read, its model client threw at once): the turn starts, its answer is
 * stored empty with status `error` (code `turn_failed`), and it ends with `error`, all in
 * one append. Its user message then reads as answered, as the user sees it, and no later
 * wake runs it again out of order. A regenerate turn's answer opens beside the answer
 * regenerated, carrying the request's clientMessageId, where the new answer would have
 * been. An append refused (this daemon lost the conversation's lease) stores nothing: the
 * new holder finds a send's message unanswered and runs it; a regenerate is lost, as when
 * its daemon dies before the turn starts.
 */
export async function answerFailedTurn(
  conversationId: ConversationId,
  turn: QueuedTurn,
  append: AppendDrafts,
  now: () => Date,
): Promise<void> {
  const ts = now().toISOString();
  const base = { stream: 'conversation', conversationId, ts } as const;
  // A regenerate turn's answer is an alternative to the one regenerated (decision 040).
  const regenerate = {
    ...(turn.replaces === undefined ? {} : { replaces: turn.replaces }),
    ...(turn.clientMessageId === undefined ? {} : { clientMessageId: turn.clientMessageId }),
  };
  const batch: ConversationEventDraft[] = [
    { ...base, type: 'turn_start', data: { turnId: turn.turnId, userMessageId: turn.userMessageId, ...regenerate } },
  ];
  const writer = createMessageWriter(
    { conversationId, role: 'assistant', turnId: turn.turnId, ...regenerate },
    {
      append: async (drafts) => {
        batch.push(...drafts);
      },
      now,
    },
  );
  await writer.complete('error', { error: { code: 'turn_failed', message: TURN_FAILED_MESSAGE } });
  batch.push(
    { ...base, type: 'activity', data: { phase: 'idle' } },
    { ...base, type: 'turn_end', data: { turnId: turn.turnId, reason: 'error' } },
  );
  await append(batch);
}
