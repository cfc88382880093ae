import type { MessageSnapshot } from '@once/protocol';
import type { ConversationState, PendingUserMessage } from './conversation-state.ts';

/** A message as a list shows it: confirmed by the server, or still pending. */
export type ListedMessage = MessageSnapshot | PendingUserMessage;

const listCache = new WeakMap<readonly MessageSnapshot[], WeakMap<readonly PendingUserMessage[], ListedMessage[]>>();

/**
 * The messages in display order: server messages as they opened, then pending ones.
 * Memoized on the state's parts, so it returns the same array until the list changes
 * (as `useSyncExternalStore` selectors need).
 */
export function selectMessages(state: ConversationState): readonly ListedMessage[] {
  if (state.pending.length === 0) return state.messages;
  let byPending = listCache.get(state.messages);
  if (byPending === undefined) {
    byPending = new WeakMap();
    listCache.set(state.messages, byPending);
  }
  let list = byPending.get(state.pending);
  if (list === undefined) {
    list = [...state.messages, ...state.pending];
    byPending.set(state.pending, list);
  }
  return list;
}

/**
 * A key that stays the same when a pending message is confirmed, so a UI list keeps the
 * same row instead of replacing it: the clientMessageId where there is one, else the id.
 */
export function messageKey(message: ListedMessage): string {
  if (message.clientMessageId !== undefined) return message.clientMessageId;
  return 'id' in message ? message.id : '';
}
