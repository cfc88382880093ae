import { currentPath } from '@once/core';
import type { ConversationSnapshot, MessageId } from '@once/protocol';

/**
 * The assistant message useChat's `regenerate({ messageId })` asks to answer again: the one
 * `messageId` names when it is an assistant message, else (no id: the last message; a user
 * message's id) the last assistant message of the conversation's current path.
 * @returns undefined when the conversation has no such message.
 */
export function regenerateTarget(snapshot: ConversationSnapshot, messageId: string | undefined): MessageId | undefined {
  const named = snapshot.messages.find((message) => message.id === messageId);
  if (named?.role === 'assistant') return named.id;
  return currentPath(snapshot).findLast((message) => message.role === 'assistant')?.id;
}
