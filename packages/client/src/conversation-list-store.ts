import { type ConversationListState, createConversationListState, reduceConversationList } from '@once/core';
import type { IncomingEvent } from '@once/protocol';

/**
 * Holds an account's conversation list. Every change is a new immutable state and one
 * notification; a duplicate or foreign event notifies no one. Shaped for React's
 * `useSyncExternalStore(store.subscribe, store.getSnapshot)`.
 */
export interface ConversationListStore {
  /** The current list. The same object until something changes. */
  getSnapshot(): ConversationListState;
  /** Registers a listener called after each change; returns the function that removes it. */
  subscribe(listener: () => void): () => void;
  /** Folds one account-stream event with `reduceConversationList`. */
  apply(event: IncomingEvent): void;
  /** Starts again from a list the server sent. */
  reset(state: ConversationListState): void;
}

/** Creates an empty list store at offset 0. */
export function createConversationListStore(): ConversationListStore {
  let state = createConversationListState();
  const listeners = new Set<() => void>();
  const commit = (next: ConversationListState) => {
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
    apply: (event) => commit(reduceConversationList(state, event)),
    reset: commit,
  };
}
