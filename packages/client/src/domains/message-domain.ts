import { type BranchSource, type ConversationState, reduce } from '@once/core';
import {
  type BranchSelectedEvent,
  isKnownEvent,
  type MessageEvent,
  type MessageId,
  type MessageSnapshot,
} from '@once/protocol';
import { conversationBefore } from './conversation-before.ts';
import type { DomainDefinition } from './domain-definition.ts';

/**
 * The message domain's state: the server's messages in the order they opened, and the
 * current path's leaf (decision 022; absent: the last message), so `currentPath` of
 * `@once/core` reads the path from it and a message that opens after a switch gets the
 * parent the store gives it.
 */
export interface MessageDomainState extends BranchSource {
  readonly messages: readonly MessageSnapshot[];
  readonly leafId?: MessageId;
}

/** The events of the message domain. */
export type MessageDomainEvent = MessageEvent | BranchSelectedEvent;

const TYPES: ReadonlySet<string> = new Set<MessageDomainEvent['type']>([
  'message_open',
  'block_open',
  'block_delta',
  'block_close',
  'message_complete',
  'branch_selected',
]);

/**
 * Messages and their blocks: `message_open`, `block_open`, `block_delta`, `block_close`,
 * `message_complete`, and `branch_selected`, which moves the current path. Optimistic
 * (pending) messages are local to one client and not part of it.
 */
export const messageDomain: DomainDefinition<ConversationState, MessageDomainState, MessageDomainEvent> = {
  name: 'message',
  project: (state) => projectMessages(state),
  claim: (event) => (isKnownEvent(event) && TYPES.has(event.type) ? { event: event as MessageDomainEvent } : undefined),
  fold: (before, event) => projectMessages(reduce(conversationBefore(event, before), event)),
};

/** Each `messages` array with its projection, so a state that did not change projects to the same object. */
const projections = new WeakMap<readonly MessageSnapshot[], MessageDomainState>();

function projectMessages(state: BranchSource): MessageDomainState {
  const known = projections.get(state.messages);
  if (known !== undefined && known.leafId === state.leafId) return known;
  const projected =
    state.leafId === undefined ? { messages: state.messages } : { messages: state.messages, leafId: state.leafId };
  projections.set(state.messages, projected);
  return projected;
}
