import type { DeliveryLogState } from '@once/client';
import { useSyncExternalStore } from 'react';
import { useConversationClient } from './use-conversation-client.ts';

/**
 * The conversation's wire log (`conversation.deliveries`): events received, applied and
 * ignored as duplicates, the most recent of them, and where each (re)connect resumed.
 * Re-renders on every delivery; use it only where the log is shown (an inspector).
 */
export function useDeliveries(conversationId: string): DeliveryLogState {
  const { deliveries } = useConversationClient(conversationId);
  return useSyncExternalStore(deliveries.subscribe, deliveries.getSnapshot);
}
