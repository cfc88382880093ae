import { createConversationState, reduceAll, snapshot } from '@once/core';
import type { ConversationId, ConversationSnapshot, IncomingEvent } from '@once/protocol';

/**
 * What a client renders after these events: the core reducer's fold, as a snapshot.
 * Throws when the reducer refused an event (a gap), since a test client must never
 * silently render past one.
 */
export function foldEvents(conversationId: string, events: readonly IncomingEvent[]): ConversationSnapshot {
  const state = reduceAll(createConversationState(conversationId as ConversationId), events);
  if (state.resync !== undefined) throw new Error(`The reducer refused an event: ${state.resync.detail}`);
  return snapshot(state);
}

/** The offsets of these events, in the order they arrived. */
export function offsetsOf(events: readonly IncomingEvent[]): number[] {
  return events.map((event) => event.offset);
}
