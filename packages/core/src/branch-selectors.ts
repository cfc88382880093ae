import type { MessageId, MessageSnapshot } from '@once/protocol';
import { messageTree } from './message-tree.ts';

/** The messages and branch position a selector needs: a state or a snapshot. */
export interface BranchSource {
  readonly messages: readonly MessageSnapshot[];
  readonly leafId?: MessageId | undefined;
}

/** A message's alternatives: the messages with the same parent, itself included. */
export interface Alternatives {
  /** The ids of the alternatives, in opened order (oldest first). */
  readonly ids: readonly MessageId[];
  /** This message's position in `ids` (0-based): shown as `index + 1 / ids.length`. */
  readonly index: number;
}

const paths = new WeakMap<readonly MessageSnapshot[], Map<MessageId | undefined, readonly MessageSnapshot[]>>();

/**
 * The last message of the current path: `leafId`, or the last message opened (also when
 * the state lacks the `leafId` message, as a page might: a path, never an empty list).
 */
export function leafOf(source: BranchSource): MessageId | undefined {
  const { leafId } = source;
  if (leafId !== undefined && messageTree(source.messages).position.has(leafId)) return leafId;
  return source.messages.at(-1)?.id;
}

/** The parent of a message (null at the start); undefined for a message the state lacks. */
export function parentOf(source: BranchSource, messageId: MessageId): MessageId | null | undefined {
  const tree = messageTree(source.messages);
  const index = tree.position.get(messageId);
  return index === undefined ? undefined : (tree.parents[index] ?? null);
}

/**
 * The messages from the conversation's start to `messageId`, in order; empty for a
 * message the state lacks. O(messages) the first time per state, O(path) after.
 */
export function pathTo(source: BranchSource, messageId: MessageId): readonly MessageSnapshot[] {
  const tree = messageTree(source.messages);
  const path: MessageSnapshot[] = [];
  let index = tree.position.get(messageId);
  // The length bound stops a cycle, which no fold produces but a hand-made snapshot might.
  while (index !== undefined && path.length < source.messages.length) {
    const message = source.messages[index];
    if (message === undefined) break;
    path.push(message);
    const parent = tree.parents[index];
    index = parent === null || parent === undefined ? undefined : tree.position.get(parent);
  }
  return path.reverse();
}

/**
 * The current path: the messages from the start to the leaf, in order, the one list a
 * branch-aware client renders and the model sees. The same array until the messages or
 * the leaf change (as `useSyncExternalStore` selectors need).
 */
export function currentPath(source: BranchSource): readonly MessageSnapshot[] {
  // Without branches the path is every message: no copy, no tree.
  if (source.leafId === undefined && !hasBranches(source.messages)) return source.messages;
  const leaf = leafOf(source);
  let byLeaf = paths.get(source.messages);
  if (byLeaf === undefined) {
    byLeaf = new Map();
    paths.set(source.messages, byLeaf);
  }
  let path = byLeaf.get(leaf);
  if (path === undefined) {
    path = leaf === undefined ? [] : pathTo(source, leaf);
    byLeaf.set(leaf, path);
  }
  return path;
}

/** The message's alternatives (siblings with the same parent); just itself when it has none. */
export function alternativesOf(source: BranchSource, messageId: MessageId): Alternatives {
  const tree = messageTree(source.messages);
  const index = tree.position.get(messageId);
  if (index === undefined) return { ids: [messageId], index: 0 };
  const ids = tree.children.get(tree.parents[index] ?? null) ?? [messageId];
  return { ids, index: Math.max(0, ids.indexOf(messageId)) };
}

/**
 * The newest (last opened) message in the subtree under `messageId`, itself included:
 * where the current path ends after the user selects the branch through it. Undefined for
 * a message the state lacks.
 */
export function newestBelow(messages: readonly MessageSnapshot[], messageId: MessageId): MessageId | undefined {
  const tree = messageTree(messages);
  const start = tree.position.get(messageId);
  if (start === undefined) return undefined;
  const below = new Set<MessageId>([messageId]);
  let newest = messageId;
  // Children open after their parent, so one pass forward from the message finds its subtree.
  for (let index = start + 1; index < messages.length; index += 1) {
    const parent = tree.parents[index];
    const message = messages[index];
    if (message === undefined || parent === null || parent === undefined || !below.has(parent)) continue;
    below.add(message.id);
    newest = message.id;
  }
  return newest;
}

/** Whether any message names its parent: a conversation without it is one linear path. */
function hasBranches(messages: readonly MessageSnapshot[]): boolean {
  return messages.some((message) => message.parentId !== undefined);
}
