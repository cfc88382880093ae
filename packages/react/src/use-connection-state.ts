import type { ConnectionState } from '@once/client';
import { useSyncExternalStore } from 'react';
import { useConversationClient } from './use-conversation-client.ts';

/** The connection's status and last error; re-renders only when they change. */
export function useConnectionState(conversationId: string): ConnectionState {
  const { connection } = useConversationClient(conversationId);
  return useSyncExternalStore(connection.subscribe, connection.getSnapshot);
}
