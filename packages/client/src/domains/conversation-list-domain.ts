import { type ConversationListState, reduceConversationList } from '@once/core';
import { type AccountEvent, type Conversation, isKnownEvent, type Offset } from '@once/protocol';
import type { DomainDefinition } from './domain-definition.ts';

/** The list domain's state: the account's conversations, most recently updated first. */
export type ConversationListDomainState = readonly Conversation[];

/** The account's conversation list: `conversation_created`, `conversation_updated`, `conversation_deleted`. */
export const conversationListDomain: DomainDefinition<
  ConversationListState,
  ConversationListDomainState,
  AccountEvent
> = {
  name: 'conversations',
  project: (state) => state.conversations,
  claim: (event) => (event.stream === 'account' && isKnownEvent(event) ? { event: event as AccountEvent } : undefined),
  fold: (conversations, event) =>
    reduceConversationList({ offset: (event.offset - 1) as Offset, conversations }, event).conversations,
};
