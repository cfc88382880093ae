import { type ListedMessage, selectMessages } from '@once/core';
import { useCallback, useSyncExternalStore } from 'react';
import { useConversationClient } from './use-conversation-client.ts';

/**
 * The messages in display order (see `selectMessages`). Re-renders when any message
 * changes; render each row with `useMessage` (or a memoized component given the message)
 * so only the row that changed renders again.
 */
export function useMessages(conversationId: string): readonly ListedMessage[] {
  const { store } = useConversationClient(conversationId);
  const select = useCallback(() => selectMessages(store.getSnapshot()), [store]);
  return useSyncExternalStore(store.subscribe, select);
}
