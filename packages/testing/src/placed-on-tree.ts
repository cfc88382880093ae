import { parentOf } from '@once/core';
import type { MessageSnapshot } from '@once/protocol';

/**
 * `messages` with every parent spelled out (null at the start), as the list places them
 * on the conversation's tree: two lists that place their messages alike compare equal,
 * whether a parent was implicit (the message before) or named.
 */
export function placedOnTree(messages: readonly MessageSnapshot[]): MessageSnapshot[] {
  return messages.map((message) => ({ ...message, parentId: parentOf({ messages }, message.id) ?? null }));
}
