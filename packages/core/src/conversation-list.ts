import type { AccountEvent, Conversation, IncomingEvent, Offset } from '@once/protocol';
import { isKnownEvent } from '@once/protocol';

/** An account's conversations: the fold of its account stream. */
export interface ConversationListState {
  /** Offset of the last account-stream event applied; 0 before any. */
  readonly offset: Offset;
  /** Most recently updated first. */
  readonly conversations: readonly Conversation[];
  /** Present when an event was refused because one before it is missing. */
  readonly resync?: { readonly afterOffset: Offset; readonly refusedOffset: number };
}

/** The list before the account stream's first event. */
export function createConversationListState(): ConversationListState {
  return { offset: 0 as Offset, conversations: [] };
}

/**
 * Folds one account-stream event into the list; the same rules as the conversation
 * reducer: duplicates change nothing, a gap is refused and recorded, unknown types only
 * advance the offset, conversation-stream events are ignored.
 */
export function reduceConversationList(state: ConversationListState, event: IncomingEvent): ConversationListState {
  if (event.stream !== 'account' || event.offset <= state.offset) return state;
  if (event.offset !== state.offset + 1) {
    if (state.resync !== undefined) return state;
    return { ...state, resync: { afterOffset: state.offset, refusedOffset: event.offset } };
  }
  const offset = event.offset as Offset;
  const conversations = isKnownEvent(event)
    ? applyAccountEvent(state.conversations, event as AccountEvent)
    : state.conversations;
  return { offset, conversations };
}

function applyAccountEvent(list: readonly Conversation[], event: AccountEvent): readonly Conversation[] {
  switch (event.type) {
    case 'conversation_created':
    case 'conversation_updated': {
      const { conversation } = event.data;
      const rest = list.filter((entry) => entry.id !== conversation.id);
      if (event.type === 'conversation_updated' && rest.length === list.length) return list;
      return sortByUpdate([conversation, ...rest]);
    }
    case 'conversation_deleted':
      return list.filter((entry) => entry.id !== event.data.conversationId);
    default: {
      // A type this version does not know, that nobody marked `unknownType`: nothing to apply.
      const _unknown: never = event;
      return list;
    }
  }
}

function sortByUpdate(list: Conversation[]): Conversation[] {
  // Stable: equal timestamps keep their order, newest event first.
  return list.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}
