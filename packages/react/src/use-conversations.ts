import type { ConversationListClient } from '@once/client';
import type { ConversationListState } from '@once/core';
import { useEffect, useSyncExternalStore } from 'react';
import { useConversationListRegistry } from './once-provider.tsx';

/** What {@link useConversations} returns. */
export interface ConversationsView {
  /** The account's conversations, most recently updated first. */
  readonly conversations: ConversationListState['conversations'];
  /** The live list's client: `create`, `rename`, `remove`, its store and connection. */
  readonly list: ConversationListClient;
}

/**
 * The account's conversation list, live: read whole, then kept in step with the account
 * stream. Shared by every component that uses it; closed when the last one unmounts.
 * Re-renders when the list changes.
 */
export function useConversations(): ConversationsView {
  const registry = useConversationListRegistry();
  const list = registry.get();
  useEffect(() => registry.retain(), [registry]);
  const state = useSyncExternalStore(list.store.subscribe, list.store.getSnapshot);
  return { conversations: state.conversations, list };
}
