import type { ConversationState } from '@once/core';

/**
 * What a crash would leave open in a conversation at one offset, as few ids as tell it:
 * the messages still streaming, the running turn, and the user messages' turns that no
 * assistant message answered yet. Saved beside each snapshot, so that start-up knows a
 * conversation's open work without reading its state or its events.
 */
export interface OpenWork {
  /** Ids of the messages still streaming. */
  readonly streaming: readonly string[];
  /** The running turn's id. */
  readonly activeTurn?: string;
  /** Turn ids of user messages with no assistant message of their turn. */
  readonly unanswered: readonly string[];
}

/** The open work of a folded state (the same that `OpenWorkScan` finds reading its events). */
export function openWorkOf(state: ConversationState): OpenWork {
  const answered = new Set(
    state.messages.filter((message) => message.role === 'assistant').map((message) => message.turnId),
  );
  return {
    streaming: state.messages.filter((message) => message.status === 'streaming').map((message) => message.id),
    ...(state.activeTurn === undefined ? {} : { activeTurn: state.activeTurn.turnId }),
    unanswered: state.messages
      .filter((message) => message.role === 'user' && !answered.has(message.turnId))
      .map((message) => message.turnId),
  };
}
