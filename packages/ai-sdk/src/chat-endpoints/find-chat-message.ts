import { type ConversationState, currentPath } from '@once/core';
import { type MessageSnapshot, OnceError } from '@once/protocol';

/**
 * The message of the conversation a UI message id names. A `useChat` client knows an
 * assistant message by Once's id (the `start` chunk gave it) and a user message it sent
 * by its own id (Once's `clientMessageId`), or by Once's id once loaded from history; an
 * edit keeps the edited message's id, so the message on the current path wins.
 * @throws OnceError `message_not_found`.
 */
export function findChatMessage(state: ConversationState, uiMessageId: string): MessageSnapshot {
  const named = (message: MessageSnapshot) => message.id === uiMessageId || message.clientMessageId === uiMessageId;
  const found = currentPath(state).find(named) ?? state.messages.find(named);
  if (found === undefined) {
    throw new OnceError('message_not_found', `There is no message ${uiMessageId} in this chat.`);
  }
  return found;
}

/**
 * The assistant message `regenerate()` replaces: the one named, the answer on the current
 * path to the user message named, or without a name the current path's last answer.
 * @throws OnceError `message_not_found`; `invalid_request` when there is no answer to regenerate.
 */
export function findRegenerateTarget(state: ConversationState, uiMessageId: string | undefined): MessageSnapshot {
  const path = currentPath(state);
  if (uiMessageId === undefined) {
    const last = path.findLast((message) => message.role === 'assistant');
    if (last === undefined) throw new OnceError('invalid_request', 'This chat has no answer to regenerate yet.');
    return last;
  }
  const named = findChatMessage(state, uiMessageId);
  if (named.role === 'assistant') return named;
  const answer = path[path.indexOf(named) + 1];
  if (path.includes(named) && answer?.role === 'assistant') return answer;
  throw new OnceError('invalid_request', `The message ${uiMessageId} has no answer to regenerate on the current path.`);
}
