import type { MessageSnapshot } from '@once/protocol';
import { currentPath } from './branch-selectors.ts';
import type { ConversationState, PendingUserMessage } from './conversation-state.ts';
import type { ListedMessage } from './select-messages.ts';

const listCache = new WeakMap<readonly MessageSnapshot[], WeakMap<readonly PendingUserMessage[], ListedMessage[]>>();

/**
 * The messages a branch-aware list shows: the current path (decision 022), then pending
 * ones. Memoized on the path and the pending list, so it returns the same array until
 * either changes (as `useSyncExternalStore` selectors need). Without branches it is
 * `selectMessages`.
 */
export function selectPathMessages(state: ConversationState): readonly ListedMessage[] {
  const path = currentPath(state);
  if (state.pending.length === 0) return path;
  let byPending = listCache.get(path);
  if (byPending === undefined) {
    byPending = new WeakMap();
    listCache.set(path, byPending);
  }
  let list = byPending.get(state.pending);
  if (list === undefined) {
    list = [...path, ...state.pending];
    byPending.set(state.pending, list);
  }
  return list;
}
