import type { AppEventRecord, ConversationSnapshot, MessageSnapshot } from '@once/protocol';

/**
 * `newer` with `messages` (older ones, in the order they opened) before its own and
 * `appEvents` merged into its own in offset order. A message or app event `newer` already
 * holds is not added twice. The result has no `older` cursor: the caller keeps it.
 */
export function joinOlderMessages(
  messages: readonly MessageSnapshot[],
  appEvents: readonly AppEventRecord[],
  newer: ConversationSnapshot,
): ConversationSnapshot {
  const { older: _older, appEvents: newerAppEvents = [], ...rest } = newer;
  const known = new Set<string>(newer.messages.map((message) => message.id));
  const added = messages.filter((message) => !known.has(message.id));
  const offsets = new Set(newerAppEvents.map((record) => record.offset));
  const records = [...appEvents.filter((record) => !offsets.has(record.offset)), ...newerAppEvents].sort(
    (first, second) => first.offset - second.offset,
  );
  return {
    ...rest,
    messages: [...added, ...implicitParentAfter(added.at(-1), newer.messages)],
    ...(records.length === 0 ? {} : { appEvents: records }),
  };
}

/**
 * `messages` with the first one's `parentId` left implicit again when it is `before`: a
 * page spells out its first message's parent, which the joined list holds just before it.
 */
function implicitParentAfter(
  before: MessageSnapshot | undefined,
  messages: readonly MessageSnapshot[],
): readonly MessageSnapshot[] {
  const first = messages[0];
  if (before === undefined || first === undefined || first.parentId !== before.id) return messages;
  const { parentId: _implicit, ...rest } = first;
  return [rest, ...messages.slice(1)];
}
