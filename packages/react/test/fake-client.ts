// A client whose conversations never touch the network: each has a real MessageStore the
// test feeds events into, and a connection state the test sets by hand.
import {
  type ConnectionState,
  type ConnectionStateSource,
  type ConversationClient,
  createConnectionDomain,
  createConversationDomains,
  createDeliveryLog,
  type OlderMessagesState,
  type OnceClient,
} from '@once/client';
import { createMessageStore } from '@once/core';
import type { ConversationId } from '@once/protocol';

export interface FakeConversation extends ConversationClient {
  setConnection(state: ConnectionState): void;
  /** Sets what `olderMessages` says; `loadOlder()` counts its calls in `loadOlderCalls`. */
  setOlder(state: OlderMessagesState): void;
  readonly loadOlderCalls: () => number;
  readonly isClosed: () => boolean;
}

export interface FakeClient extends OnceClient {
  /** Every conversation opened, by id, in the order opened. */
  readonly opened: FakeConversation[];
}

export function createFakeClient(): FakeClient {
  const opened: FakeConversation[] = [];
  return {
    opened,
    conversation(conversationId) {
      const conversation = fakeConversation(conversationId as ConversationId);
      opened.push(conversation);
      return conversation;
    },
    close() {
      for (const conversation of opened) conversation.close();
    },
  };
}

function fakeConversation(conversationId: ConversationId): FakeConversation {
  let connection: ConnectionState = { status: 'connecting', failures: 0 };
  let closed = false;
  const listeners = new Set<() => void>();
  const store = createMessageStore({ conversationId });
  const source: ConnectionStateSource = {
    getSnapshot: () => connection,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  let older: OlderMessagesState = { hasOlder: false, count: 0, loading: false };
  let loadOlderCalls = 0;
  const olderListeners = new Set<() => void>();
  // The store is fed by hand, so the event domains only ever deliver their first resync.
  const hub = createConversationDomains(store);
  return {
    conversationId,
    store,
    connection: source,
    deliveries: createDeliveryLog(),
    domains: {
      ...hub.domains,
      connection: createConnectionDomain(source, () => store.getSnapshot().offset).dispatcher,
    },
    appDomain: hub.appDomain,
    olderMessages: {
      getSnapshot: () => older,
      subscribe(listener) {
        olderListeners.add(listener);
        return () => olderListeners.delete(listener);
      },
      loadOlder: async () => {
        loadOlderCalls += 1;
      },
    },
    setOlder(state) {
      older = state;
      for (const listener of olderListeners) listener();
    },
    loadOlderCalls: () => loadOlderCalls,
    setConnection(state) {
      connection = state;
      for (const listener of listeners) listener();
    },
    send: () => Promise.reject(new Error('the fake client sends nothing')),
    regenerate: () => Promise.reject(new Error('the fake client regenerates nothing')),
    selectBranch: () => Promise.resolve(),
    cancel: () => Promise.resolve(),
    decide: () => Promise.resolve(),
    close() {
      closed = true;
    },
    isClosed: () => closed,
    closed: Promise.resolve(),
  };
}
