import { type ConversationState, createConversationState, reduceAll } from '@once/core';
import type { EventLog } from '@once/log';
import type { ConversationId, IncomingEvent } from '@once/protocol';

/**
 * Each conversation's state folded by the core reducer — the snapshot history serves —
 * kept in memory for the most recently used conversations and brought up to date from
 * the log on every read, so a snapshot is consistent at exactly its offset and a long
 * conversation is not folded again per request.
 */
export interface ConversationStates {
  /** The state up to the log's current head. */
  current(conversationId: ConversationId): Promise<ConversationState>;
  /** Forgets a conversation (after it was deleted). */
  forget(conversationId: ConversationId): void;
}

/** Options of {@link createConversationStates}. */
export interface ConversationStatesOptions {
  /** Conversations kept in memory. Default 1000. */
  readonly capacity?: number;
  /** Events read per page while catching up. Default 5000. */
  readonly pageSize?: number;
}

export function createConversationStates(log: EventLog, options: ConversationStatesOptions = {}): ConversationStates {
  const capacity = options.capacity ?? 1000;
  const pageSize = options.pageSize ?? 5000;
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recent.
  const cache = new Map<string, ConversationState>();

  const remember = (state: ConversationState) => {
    const known = cache.get(state.conversationId);
    // Concurrent catch-ups may finish out of order; never go back to an older state.
    if (known !== undefined && known.offset > state.offset) return known;
    cache.delete(state.conversationId);
    cache.set(state.conversationId, state);
    while (cache.size > capacity) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    return state;
  };

  return {
    async current(conversationId) {
      let state = cache.get(conversationId) ?? createConversationState(conversationId);
      const stream = { stream: 'conversation', conversationId } as const;
      for (;;) {
        const events = await log.read(stream, state.offset, pageSize);
        state = reduceAll(state, events as readonly IncomingEvent[]);
        if (events.length < pageSize) break;
      }
      return remember(state);
    },
    forget(conversationId) {
      cache.delete(conversationId);
    },
  };
}
