import type { AccountEvent, Conversation, IncomingEvent, Offset } from '@once/protocol';
import { isKnownEvent } from '@once/protocol';
import type { ConversationListState } from './conversation-list.ts';

/**
 * Folds many account-stream events at once: the same state as `reduceConversationList`
 * applied to each in turn, in time that grows with the list once rather than once per
 * event. Folding one event at a time filters and re-sorts the whole list per event, so a
 * start-up reading an account of 10,000 conversations spent seconds there.
 *
 * The list keeps, per conversation, its latest version in the order of the events that
 * last touched it; one stable sort by `updatedAt` at the end then gives the order the
 * one-at-a-time fold keeps (newest update first, equal timestamps by latest event first).
 */
export function reduceConversationListEvents(
  state: ConversationListState,
  events: readonly IncomingEvent[],
): ConversationListState {
  let offset = state.offset as number;
  let resync = state.resync;
  let changed = false;
  // Whether a conversation moved: only then is the list sorted again (a delete keeps the order).
  let moved = false;
  // Oldest touch first, so that a Map's order of insertion is the order of touches.
  let touched: Map<string, Conversation> | undefined;
  const list = () => {
    touched ??= new Map(state.conversations.toReversed().map((conversation) => [conversation.id, conversation]));
    return touched;
  };
  for (const event of events) {
    if (event.stream !== 'account' || event.offset <= offset) continue;
    if (event.offset !== offset + 1) {
      if (resync === undefined) {
        resync = { afterOffset: offset as Offset, refusedOffset: event.offset };
        changed = true;
      }
      continue;
    }
    offset = event.offset;
    resync = undefined;
    changed = true;
    if (isKnownEvent(event) && apply(list(), event as AccountEvent)) moved = true;
  }
  if (!changed) return state;
  let conversations = state.conversations;
  if (touched !== undefined) {
    const latestFirst = [...touched.values()].reverse();
    conversations = moved ? sortByUpdate(latestFirst) : latestFirst;
  }
  return resync === undefined
    ? { offset: offset as Offset, conversations }
    : { offset: offset as Offset, conversations, resync };
}

/** Applies one event to the list; returns whether a conversation moved (was created or updated). */
function apply(list: Map<string, Conversation>, event: AccountEvent): boolean {
  switch (event.type) {
    case 'conversation_created':
    case 'conversation_updated': {
      const { conversation } = event.data;
      if (event.type === 'conversation_updated' && !list.has(conversation.id)) return false;
      // Deleted and set again: it moves to the end, the latest touched.
      list.delete(conversation.id);
      list.set(conversation.id, conversation);
      return true;
    }
    case 'conversation_deleted':
      list.delete(event.data.conversationId);
      return false;
    default: {
      // A type this version does not know, that nobody marked `unknownType`: nothing to apply.
      const _unknown: never = event;
      return false;
    }
  }
}

function sortByUpdate(list: Conversation[]): Conversation[] {
  // Stable: equal timestamps keep their order, latest touched first.
  return list.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}
