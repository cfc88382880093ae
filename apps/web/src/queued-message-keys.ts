import { type ConversationState, messageKey } from '@once/core';

const cache = new WeakMap<ConversationState, ReadonlySet<string>>();

/**
 * The keys (`messageKey`) of the user messages waiting for their turn while another turn
 * runs: sent (or still being sent), not yet answered. The daemon runs one turn at a time
 * per conversation, so these are answered in order once the running turn ends.
 * Memoized on the state, so every render of one state gets the same set.
 */
export function queuedMessageKeys(state: ConversationState): ReadonlySet<string> {
  const cached = cache.get(state);
  if (cached !== undefined) return cached;
  const keys = new Set<string>();
  const running = state.activeTurn;
  if (running !== undefined) {
    // A turn counts as started once it opened an assistant message or is the running one.
    const started = new Set(
      state.messages.filter((message) => message.role === 'assistant').map((message) => message.turnId),
    );
    started.add(running.turnId);
    for (const message of state.messages) {
      if (message.role === 'user' && !started.has(message.turnId)) keys.add(messageKey(message));
    }
    for (const message of state.pending) keys.add(messageKey(message));
  }
  cache.set(state, keys);
  return keys;
}
