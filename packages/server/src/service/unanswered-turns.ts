import type { ConversationState } from '@once/core';
import type { QueuedTurn } from './turn-scheduler.ts';

/**
 * The user messages whose turn never ran, in log order: no assistant message of their
 * turn, and not the running turn. These are the turns still owed an answer.
 */
export function unansweredTurns(state: ConversationState): QueuedTurn[] {
  // A turn counts as run once it opened an assistant message or started.
  const started = new Set(
    state.messages.filter((message) => message.role === 'assistant').map((message) => message.turnId),
  );
  if (state.activeTurn !== undefined) started.add(state.activeTurn.turnId);
  return state.messages
    .filter((message) => message.role === 'user' && !started.has(message.turnId))
    .map((message) => ({ turnId: message.turnId, userMessageId: message.id }));
}
