import { type ConversationState, createConversationState } from '@once/core';
import type { ConversationId, Offset } from '@once/protocol';

/**
 * A conversation state just before the event at `offset`, holding `parts`. Domains fold
 * their slice by running the core reducer on it, so a consumer's fold and the store's
 * cannot disagree.
 */
export function conversationBefore(
  event: { readonly conversationId: ConversationId; readonly offset: number },
  parts: Partial<ConversationState>,
): ConversationState {
  return { ...createConversationState(event.conversationId), offset: (event.offset - 1) as Offset, ...parts };
}
