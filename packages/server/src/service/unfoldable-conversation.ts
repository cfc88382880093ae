import type { ConversationState } from '@once/core';
import { type ConversationId, OnceError } from '@once/protocol';

/**
 * Whether the conversation's log holds an event the reducer refused, so that its state
 * stops short of the log: what the state shows open or unanswered may be closed or
 * answered past that event. Nothing is written into such a conversation, neither recovery
 * nor a turn nor a message: each write would land past the refused event, unseen, and be
 * made again at the next look (the refusal itself is reported once, by `ConversationStates`).
 */
export function isUnfoldable(state: ConversationState): boolean {
  return state.resync !== undefined;
}

/** Throws when `state` {@link isUnfoldable}: a request that would write there is refused. */
export function refuseIfUnfoldable(conversationId: ConversationId, state: ConversationState): void {
  const { resync } = state;
  if (resync === undefined) return;
  throw new OnceError(
    'internal',
    `Conversation ${conversationId} takes no new messages: its log holds an event at offset ${resync.refusedOffset} ` +
      `that this daemon cannot apply (${resync.reason}), so its history stops at offset ${resync.afterOffset}. ` +
      "Nothing was stored. The conversation still reads up to there; the daemon's log says more.",
  );
}
