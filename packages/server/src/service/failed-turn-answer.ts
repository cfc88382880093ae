import { type AppendDrafts, createMessageWriter } from '@once/producer';
import type { ConversationEventDraft, ConversationId } from '@once/protocol';
import type { QueuedTurn } from './turn-scheduler.ts';

/** What the answer of a turn that failed before it wrote anything says. */
export const TURN_FAILED_MESSAGE =
  'This turn failed before it could answer (see the daemon log); send the message again or regenerate the answer.';

/**
 * Stores the answer of a turn whose runner failed before it wrote anything (its history
 * could not be read, its model client threw at once): the turn starts, its answer is
 * stored empty with status `error` (code `turn_failed`), and it ends with `error`, all in
 * one append. Its user message then reads as answered, as the user sees it, and no later
 * wake runs it again out of order. An append refused (this daemon lost the conversation's
 * lease) stores nothing: the new holder finds the message unanswered and runs it.
 */
export async function answerFailedTurn(
  conversationId: ConversationId,
  turn: QueuedTurn,
  append: AppendDrafts,
  now: () => Date,
): Promise<void> {
  const ts = now().toISOString();
  const base = { stream: 'conversation', conversationId, ts } as const;
  const batch: ConversationEventDraft[] = [
    { ...base, type: 'turn_start', data: { turnId: turn.turnId, userMessageId: turn.userMessageId } },
  ];
  const writer = createMessageWriter(
    { conversationId, role: 'assistant', turnId: turn.turnId },
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
