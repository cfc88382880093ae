import type { ListedMessage } from '@once/core';
import { useCallback, useSyncExternalStore } from 'react';
import { selectMessage } from './select-message.ts';
import { useConversationClient } from './use-conversation-client.ts';

/**
 * One message, by its `messageKey`. Re-renders only when that message changed: the core
 * keeps the identity of every message an event did not touch.
 */
export function useMessage(conversationId: string, key: string): ListedMessage | undefined {
  const { store } = useConversationClient(conversationId);
  const select = useCallback(() => selectMessage(store.getSnapshot(), key), [store, key]);
  return useSyncExternalStore(store.subscribe, select);
}
