import { type Alternatives, alternativesOf } from '@once/core';
import type { MessageId } from '@once/protocol';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useConversationClient } from './use-conversation-client.ts';

/**
 * The message's alternatives (see `alternativesOf`): renders again only when they change,
 * not on every streamed token, so each row of a long list can use it.
 */
export function useAlternatives(conversationId: string, messageId: MessageId): Alternatives {
  const { store } = useConversationClient(conversationId);
  const last = useRef<Alternatives | undefined>(undefined);
  const select = useCallback(() => {
    const next = alternativesOf(store.getSnapshot(), messageId);
    const previous = last.current;
    // The same answer as before keeps its identity, so useSyncExternalStore sees no change.
    if (previous !== undefined && previous.index === next.index && sameIds(previous.ids, next.ids)) return previous;
    last.current = next;
    return next;
  }, [store, messageId]);
  return useSyncExternalStore(store.subscribe, select);
}

function sameIds(left: readonly MessageId[], right: readonly MessageId[]): boolean {
  return left.length === right.length && left.every((id, index) => id === right[index]);
}
