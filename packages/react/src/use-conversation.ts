import type { ConversationClient } from '@once/client';
import type { ConversationState } from '@once/core';
import { useSyncExternalStore } from 'react';
import { useConversationClient } from './use-conversation-client.ts';

/** What {@link useConversation} returns. */
export interface ConversationView {
  /** The conversation's client: `send`, `cancel`, `decide`, its store and connection. */
  readonly conversation: ConversationClient;
  /** The conversation's state now; a new object after each change. */
  readonly state: ConversationState;
}

/** The conversation and its whole state; re-renders on every change of the conversation. */
export function useConversation(conversationId: string): ConversationView {
  const conversation = useConversationClient(conversationId);
  const state = useSyncExternalStore(conversation.store.subscribe, conversation.store.getSnapshot);
  return { conversation, state };
}
