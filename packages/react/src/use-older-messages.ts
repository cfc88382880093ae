import type { OlderMessagesState } from '@once/client';
import { useSyncExternalStore } from 'react';
import { useConversationClient } from './use-conversation-client.ts';

/** What {@link useOlderMessages} returns. */
export interface OlderMessagesView extends OlderMessagesState {
  /** Puts the next page of older messages at the start of the conversation; see `OlderMessages.loadOlder`. */
  readonly loadOlder: () => Promise<void>;
}

/**
 * The messages before the oldest one shown, for a conversation opened with a `pageSize`
 * (`OnceProvider`'s `pageSize`): whether there are any, whether a page is
 * loading, and the function that loads the next one. Re-renders only when those change.
 */
export function useOlderMessages(conversationId: string): OlderMessagesView {
  const { olderMessages } = useConversationClient(conversationId);
  const state = useSyncExternalStore(olderMessages.subscribe, olderMessages.getSnapshot);
  return { ...state, loadOlder: olderMessages.loadOlder };
}
