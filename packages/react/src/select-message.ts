import type { ConversationState } from '@once/core';
import { type ListedMessage, messageKey, selectMessages } from '@once/core';

/**
 * The message with this {@link messageKey}, or `undefined`. Returns the very object the
 * state holds, so a selector built on it changes only when that message changed.
 */
export function selectMessage(state: ConversationState, key: string): ListedMessage | undefined {
  return selectMessages(state).find((message) => messageKey(message) === key);
}
