// The parent an edit's `message_open` names (docs/decisions/022-branches.md), as the
// daemon writes it, worked out here from the conversation's tree rather than by the reducer.
import type { MessageId } from '@once/protocol';
import type { Draft } from './message-drafts.ts';

/**
 * `drafts` (a conversation's events, in log order) with `data.parentId` on every user
 * message that replaces another: the replaced message's parent. Follows the tree as the
 * events build it: a message opens under the current leaf (or beside the one it
 * replaces) and becomes the leaf; `branch_selected` moves the leaf to the newest message
 * under the one it names.
 */
export function withEditParents(drafts: readonly Draft[]): Draft[] {
  const parents = new Map<MessageId, MessageId | null>();
  let leaf: MessageId | null = null;
  return drafts.map((draft) => {
    if (draft.type === 'branch_selected') {
      const { messageId } = draft.data as { messageId: MessageId };
      if (parents.has(messageId)) leaf = newestUnder(parents, messageId);
      return draft;
    }
    if (draft.type !== 'message_open') return draft;
    const id = draft.messageId as MessageId;
    const data = draft.data as { role: string; replaces?: MessageId };
    const parent = data.replaces === undefined ? leaf : (parents.get(data.replaces) ?? null);
    parents.set(id, parent);
    leaf = id;
    if (data.replaces === undefined || data.role !== 'user') return draft;
    return { ...draft, data: { ...data, parentId: parent } };
  });
}

/** The last opened message whose ancestors include `top`, or `top` itself. */
function newestUnder(parents: ReadonlyMap<MessageId, MessageId | null>, top: MessageId): MessageId {
  let newest = top;
  for (const id of parents.keys()) {
    for (let at: MessageId | null | undefined = id; at !== null && at !== undefined; at = parents.get(at)) {
      if (at === top) {
        newest = id;
        break;
      }
    }
  }
  return newest;
}
