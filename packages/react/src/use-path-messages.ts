import { type ListedMessage, selectPathMessages } from '@once/core';
import { useCallback, useSyncExternalStore } from 'react';
import { useConversationClient } from './use-conversation-client.ts';

/**
 * The messages of the current path, then pending ones (see `selectPathMessages`): what
 * a UI with branches (regenerate, edit, a switcher) renders instead of `useMessages`.
 */
export function usePathMessages(conversationId: string): readonly ListedMessage[] {
  const { store } = useConversationClient(conversationId);
  const select = useCallback(() => selectPathMessages(store.getSnapshot()), [store]);
  return useSyncExternalStore(store.subscribe, select);
}
