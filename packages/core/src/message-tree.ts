import type { MessageId, MessageSnapshot } from '@once/protocol';

/**
 * The branches of a conversation, derived from its messages in opened order
 * (docs/decisions/022-branches.md). Each message has a parent: the `parentId` it
 * carries, or else the message opened just before it (null for the first). Built once
 * per `messages` array and cached, so every selector over the same state shares it.
 */
export interface MessageTree {
  /** Each message's position in `messages`, by id. */
  readonly position: ReadonlyMap<MessageId, number>;
  /** The parent of the message at each position; null at the conversation's start. */
  readonly parents: readonly (MessageId | null)[];
  /** The messages that share each parent (null: the start), in opened order. */
  readonly children: ReadonlyMap<MessageId | null, readonly MessageId[]>;
}

const trees = new WeakMap<readonly MessageSnapshot[], MessageTree>();
/** The last tree asked for, with its messages: a streamed delta makes a new array of the same shape. */
let lastBuilt: { readonly messages: readonly MessageSnapshot[]; readonly tree: MessageTree } | undefined;

/**
 * The tree of `messages`, from a cache when this array, or one with the same ids and
 * parents (the array before a delta changed one message's blocks), had it built; else
 * built in O(messages).
 */
export function messageTree(messages: readonly MessageSnapshot[]): MessageTree {
  const cached = trees.get(messages);
  if (cached !== undefined) {
    lastBuilt = { messages, tree: cached };
    return cached;
  }
  if (lastBuilt !== undefined && sameShape(lastBuilt.messages, messages)) {
    trees.set(messages, lastBuilt.tree);
    lastBuilt = { messages, tree: lastBuilt.tree };
    return lastBuilt.tree;
  }
  const position = new Map<MessageId, number>();
  const parents: (MessageId | null)[] = [];
  const children = new Map<MessageId | null, MessageId[]>();
  messages.forEach((message, index) => {
    position.set(message.id, index);
    const parent = parentAt(messages, index);
    parents.push(parent);
    const siblings = children.get(parent);
    if (siblings === undefined) children.set(parent, [message.id]);
    else siblings.push(message.id);
  });
  const tree: MessageTree = { position, parents, children };
  trees.set(messages, tree);
  lastBuilt = { messages, tree };
  return tree;
}

/** Whether both lists hold the same message ids with the same explicit parents, in order. */
function sameShape(before: readonly MessageSnapshot[], after: readonly MessageSnapshot[]): boolean {
  if (before.length !== after.length) return false;
  for (let index = after.length - 1; index >= 0; index -= 1) {
    const was = before[index];
    const is = after[index];
    if (was === is) continue;
    if (was?.id !== is?.id || was?.parentId !== is?.parentId) return false;
  }
  return true;
}

/**
 * The parent of the message at `index`: its explicit `parentId`, else the message opened
 * just before it, else null (the conversation's start).
 */
export function parentAt(messages: readonly MessageSnapshot[], index: number): MessageId | null {
  const message = messages[index];
  if (message !== undefined && message.parentId !== undefined) return message.parentId;
  return index > 0 ? (messages[index - 1]?.id ?? null) : null;
}
