import type { ConversationSnapshot } from '@once/protocol';
import type { ConversationState } from './conversation-state.ts';

/**
 * The server's view of a state: what the history endpoint returns. Optimistic messages
 * and a pending resync are local to one client and are left out; `appEvents` is absent
 * when there are none.
 */
export function snapshot(state: ConversationState): ConversationSnapshot {
  return {
    conversationId: state.conversationId,
    offset: state.offset,
    messages: [...state.messages],
    ...(state.leafId === undefined ? {} : { leafId: state.leafId }),
    ...(state.activeTurn === undefined ? {} : { activeTurn: state.activeTurn }),
    activity: state.activity,
    pendingApprovals: [...state.pendingApprovals],
    ...(state.appEvents.length === 0 ? {} : { appEvents: [...state.appEvents] }),
  };
}

/** The state a client starts from, given a snapshot; events after `snapshot.offset` follow. */
export function fromSnapshot(source: ConversationSnapshot): ConversationState {
  return {
    conversationId: source.conversationId,
    offset: source.offset,
    messages: source.messages,
    ...(source.leafId === undefined ? {} : { leafId: source.leafId }),
    pending: [],
    ...(source.activeTurn === undefined ? {} : { activeTurn: source.activeTurn }),
    activity: source.activity,
    pendingApprovals: source.pendingApprovals,
    appEvents: source.appEvents ?? [],
  };
}

/**
 * Replaces a client's state with a fresh snapshot (after a gap or a reset) and keeps the
 * optimistic messages the snapshot does not yet contain, so nothing the user sent
 * disappears and nothing shows twice.
 */
export function rebaseOnSnapshot(state: ConversationState, source: ConversationSnapshot): ConversationState {
  const base = fromSnapshot(source);
  const confirmed = new Set(source.messages.map((message) => message.clientMessageId));
  const pending = state.pending.filter((entry) => !confirmed.has(entry.clientMessageId));
  return pending.length === 0 ? base : { ...base, pending };
}
