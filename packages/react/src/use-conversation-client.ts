import type { ConversationClient } from '@once/client';
import { useEffect } from 'react';
import { useConversationRegistry } from './once-provider.tsx';

/**
 * The open conversation for this id, shared by every component that shows it and closed
 * when the last one unmounts. Does not re-render on changes; the other hooks do.
 */
export function useConversationClient(conversationId: string): ConversationClient {
  const registry = useConversationRegistry();
  const conversation = registry.get(conversationId);
  useEffect(() => registry.retain(conversationId), [registry, conversationId]);
  return conversation;
}
