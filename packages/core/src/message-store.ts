import type { ClientMessageId, ConversationSnapshot, IncomingEvent } from '@once/protocol';
import { type ConversationState, createConversationState } from './conversation-state.ts';
import { addPendingMessage, type PendingMessageInput, removePendingMessage } from './pending-messages.ts';
import { reduce } from './reduce.ts';
import { fromSnapshot, rebaseOnSnapshot } from './snapshot.ts';

/** Called after the state changed; read it with `getSnapshot()`. */
export type StoreListener = () => void;

/**
 * Holds one conversation's state for a UI or a bot. Every change produces a new
 * immutable state and notifies subscribers once; a call that changes nothing (a
 * duplicate, another conversation's event) notifies no one.
 * The shape fits React's `useSyncExternalStore(store.subscribe, store.getSnapshot)`.
 */
export interface MessageStore {
  /** The current state. The same object until something changes. */
  getSnapshot(): ConversationState;
  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: StoreListener): () => void;
  /** Folds events in order and notifies once at the end if anything changed. */
  apply(events: IncomingEvent | readonly IncomingEvent[]): void;
  /** Starts again from a server snapshot, keeping optimistic messages it lacks. */
  reset(snapshot: ConversationSnapshot): void;
  /** Shows a message being sent; see {@link addPendingMessage}. */
  addPending(input: PendingMessageInput): void;
  /** Withdraws a message whose send failed for good. */
  removePending(clientMessageId: ClientMessageId): void;
}

/** Where a store starts: an empty conversation or a server snapshot. */
export type MessageStoreStart = { readonly conversationId: ConversationState['conversationId'] } | ConversationSnapshot;

export function createMessageStore(start: MessageStoreStart): MessageStore {
  let state = 'offset' in start ? fromSnapshot(start) : createConversationState(start.conversationId);
  const listeners = new Set<StoreListener>();

  const commit = (next: ConversationState) => {
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  };

  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    apply(events) {
      if (!isEventList(events)) {
        commit(reduce(state, events));
        return;
      }
      let next = state;
      for (const event of events) next = reduce(next, event);
      commit(next);
    },
    reset: (snapshot) => commit(rebaseOnSnapshot(state, snapshot)),
    addPending: (input) => commit(addPendingMessage(state, input)),
    removePending: (clientMessageId) => commit(removePendingMessage(state, clientMessageId)),
  };
}

function isEventList(events: IncomingEvent | readonly IncomingEvent[]): events is readonly IncomingEvent[] {
  return Array.isArray(events);
}
