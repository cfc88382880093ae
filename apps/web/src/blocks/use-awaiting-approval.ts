import { useConversationClient } from '@once/react';
import { useCallback, useSyncExternalStore } from 'react';

/**
 * True while the conversation waits for a decision on this tool call. Reads the store's
 * `pendingApprovals` and re-renders only when the answer changes, so the message around
 * the card stays memoized.
 */
export function useAwaitingApproval(conversationId: string, toolUseId: string): boolean {
  const conversation = useConversationClient(conversationId);
  const select = useCallback(
    () => conversation.store.getSnapshot().pendingApprovals.some((approval) => approval.toolUseId === toolUseId),
    [conversation, toolUseId],
  );
  return useSyncExternalStore(conversation.store.subscribe, select);
}
