import { type MessageStore, snapshot } from '@once/core';
import type {
  AppEventRecord,
  ConversationSnapshot,
  MessageSnapshot,
  OlderMessages as OlderCursor,
} from '@once/protocol';
import { joinOlderMessages } from './join-older-messages.ts';
import type { Transport } from './transport.ts';

/** Whether the server has messages older than the store's first one, and whether a page of them is on its way. */
export interface OlderMessagesState {
  /** True while the server has messages before the store's oldest one. */
  readonly hasOlder: boolean;
  /** How many messages the server has before the store's oldest one; 0 when none. */
  readonly count: number;
  /** True while a page of older messages is being fetched. */
  readonly loading: boolean;
  /** Why the last load failed; cleared when the next one starts. */
  readonly error?: unknown;
}

/**
 * The messages a conversation opened with `pageSize` left on the server, loaded a page at
 * a time on demand. The shape fits React's `useSyncExternalStore(subscribe, getSnapshot)`.
 */
export interface OlderMessages {
  /** The current state; the same object until something changes. */
  getSnapshot(): OlderMessagesState;
  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: () => void): () => void;
  /**
   * Fetches the page of messages just before the store's oldest one and puts it at the
   * start of the store, leaving live events, watermarks and pending messages alone. Does
   * nothing while a page loads or when no older message is left. Resolves once the page
   * is in the store (or the load failed: see `error`).
   */
  loadOlder(): Promise<void>;
}

/** {@link OlderMessages} as the conversation drives it. */
export interface HistoryPages extends OlderMessages {
  /**
   * The store's start state: the latest `pageSize` messages. Older messages the store
   * already loaded stay before them (they have ended, so they are still true), so a
   * refetch after a gap or a `reset` does not take back what the user scrolled to.
   */
  fetchStart(signal: AbortSignal): Promise<ConversationSnapshot>;
  /** Abandons a load in flight. */
  close(): void;
}

/** Options of {@link createHistoryPages}. */
export interface HistoryPagesOptions {
  readonly transport: Transport;
  readonly store: MessageStore;
  /** Messages per page, the latest page included. */
  readonly pageSize: number;
  /** Told after older messages were put into the store (its messages changed without an event). */
  readonly changed: () => void;
}

const NONE: OlderMessagesState = { hasOlder: false, count: 0, loading: false };

/** Creates the history pages of one conversation's store. */
export function createHistoryPages(options: HistoryPagesOptions): HistoryPages {
  const { transport, store, pageSize } = options;
  const conversationId = store.getSnapshot().conversationId;
  const requests = new AbortController();
  const listeners = new Set<() => void>();
  let cursor: OlderCursor | undefined;
  let state = NONE;

  const publish = (next: Partial<OlderMessagesState>) => {
    const merged = { ...state, ...next, hasOlder: cursor !== undefined, count: cursor?.count ?? 0 };
    const { error, ...rest } = merged;
    state = error === undefined ? rest : merged;
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
    async fetchStart(signal) {
      const page = await transport.snapshot(conversationId, signal, { limit: pageSize });
      const held = store.getSnapshot();
      const first = page.messages[0];
      const at = first === undefined ? -1 : held.messages.findIndex((message) => message.id === first.id);
      if (page.older === undefined || at <= 0) {
        cursor = page.older;
        publish({});
        return page;
      }
      // The store already holds messages before the page's first one: keep them and the
      // cursor that reaches past them.
      const kept = held.messages.slice(0, at);
      return joinOlderMessages(kept, appEventsOf(held.appEvents, kept), page);
    },
    async loadOlder() {
      const requested = cursor;
      if (state.loading || requested === undefined || transport.olderMessages === undefined) return;
      publish({ loading: true, error: undefined });
      try {
        const page = await transport.olderMessages(conversationId, requested.before, pageSize, requests.signal);
        // A refetch in the meantime put the store on another start; this page may not fit it.
        if (cursor !== requested) return;
        store.reset(joinOlderMessages(page.messages, page.appEvents ?? [], snapshot(store.getSnapshot())));
        cursor = page.older;
        options.changed();
        publish({ loading: false });
      } catch (error) {
        publish({ loading: false, ...(requests.signal.aborted ? {} : { error }) });
      } finally {
        if (state.loading) publish({ loading: false });
      }
    },
    close: () => requests.abort(),
  };
}

/** The app events shown with `messages`. */
function appEventsOf(records: readonly AppEventRecord[], messages: readonly MessageSnapshot[]): AppEventRecord[] {
  const ids = new Set<string>(messages.map((message) => message.id));
  return records.filter((record) => ids.has(record.messageId ?? record.afterMessageId ?? ''));
}
