import { type ConversationState, reduce } from '@once/core';
import { isKnownEvent, type MessageEvent, type MessageSnapshot } from '@once/protocol';
import { conversationBefore } from './conversation-before.ts';
import type { DomainDefinition } from './domain-definition.ts';

/** The message domain's state: the server's messages in the order they opened. */
export type MessageDomainState = readonly MessageSnapshot[];

const TYPES: ReadonlySet<string> = new Set<MessageEvent['type']>([
  'message_open',
  'block_open',
  'block_delta',
  'block_close',
  'message_complete',
]);

/**
 * Messages and their blocks: `message_open`, `block_open`, `block_delta`, `block_close`,
 * `message_complete`. Optimistic (pending) messages are local to one client and not part
 * of it.
 */
export const messageDomain: DomainDefinition<ConversationState, MessageDomainState, MessageEvent> = {
  name: 'message',
  project: (state) => state.messages,
  claim: (event) => (isKnownEvent(event) && TYPES.has(event.type) ? { event: event as MessageEvent } : undefined),
  fold: (messages, event) => reduce(conversationBefore(event, { messages }), event).messages,
};
