import {
  type AppEventRecord,
  type ConversationSnapshot,
  type MessagePage,
  type MessageSnapshot,
  OnceError,
} from '@once/protocol';

/**
 * The snapshot with only its latest `limit` messages, and a cursor to the older ones.
 *
 * The page never leaves out a message that can still change, so the events after the
 * snapshot's offset only ever touch messages the page holds: it reaches back to the
 * oldest message that is still streaming, to the user message of the running turn, and
 * to the message of every tool call waiting for approval, even past `limit`. Every
 * message older than the page has ended, so older pages read later are still true.
 *
 * App events go with the page holding their message (`messageId`, else `afterMessageId`):
 * those of left-out messages come with the older page of their message, the others (a
 * message the page holds, none, or one no message has) stay in this one.
 */
export function latestPage(full: ConversationSnapshot, limit: number): ConversationSnapshot {
  const start = Math.min(Math.max(0, full.messages.length - limit), oldestLiveIndex(full));
  if (start === 0) return full;
  const messages = pageOf(full.messages, start, full.messages.length);
  const older = full.messages.slice(0, start);
  const first = messages[0] as MessageSnapshot;
  const olderIds = new Set<string>(older.map((message) => message.id));
  const { appEvents: _appEvents, ...rest } = full;
  const appEvents = (full.appEvents ?? []).filter((record) => !olderIds.has(anchorOf(record) ?? ''));
  return {
    ...rest,
    messages,
    ...(appEvents.length === 0 ? {} : { appEvents }),
    older: { before: first.id, count: start },
  };
}

/**
 * The `limit` messages just before message `before`, with their app events and a cursor
 * to still older ones.
 * @throws OnceError `message_not_found` when no message of the conversation has that id;
 *   `invalid_request` when that message is newer than what a page left out (a cursor
 *   no page handed out).
 */
export function olderPage(full: ConversationSnapshot, before: string, limit: number): MessagePage {
  const end = full.messages.findIndex((message) => message.id === before);
  if (end === -1) {
    throw new OnceError(
      'message_not_found',
      `No message of this conversation has the id ${before}; use the older.before cursor of the latest page.`,
    );
  }
  if (end > oldestLiveIndex(full)) {
    throw new OnceError(
      'invalid_request',
      'Messages before this one are still changing; read them from the snapshot (GET /v1/conversations/:id), not as an older page.',
    );
  }
  const start = Math.max(0, end - limit);
  const messages = pageOf(full.messages, start, end);
  const ids = new Set<string>(messages.map((message) => message.id));
  const appEvents = (full.appEvents ?? []).filter((record) => ids.has(anchorOf(record) ?? ''));
  const first = messages[0];
  return {
    messages,
    ...(appEvents.length === 0 ? {} : { appEvents }),
    ...(start === 0 || first === undefined ? {} : { older: { before: first.id, count: start } }),
  };
}

/**
 * The messages from `start` to `end`. The first keeps its place on the tree: a message
 * without `parentId` follows the one before it in `messages`, which the page leaves out,
 * so it gets that one as an explicit `parentId`.
 */
function pageOf(messages: readonly MessageSnapshot[], start: number, end: number): MessageSnapshot[] {
  const page = messages.slice(start, end);
  const first = page[0];
  const before = messages[start - 1];
  if (first === undefined || before === undefined || first.parentId !== undefined) return page;
  page[0] = { ...first, parentId: before.id };
  return page;
}

/**
 * The index of the oldest message that can still change, or of the current path's leaf
 * (decision 022: a page that left it out would show no path); the message count when
 * neither is older than the end.
 */
function oldestLiveIndex(full: ConversationSnapshot): number {
  const leaf = full.leafId === undefined ? -1 : full.messages.findIndex((message) => message.id === full.leafId);
  const live = oldestChangingIndex(full);
  return leaf === -1 ? live : Math.min(leaf, live);
}

/** The index of the oldest message that can still change; the message count when none can. */
function oldestChangingIndex(full: ConversationSnapshot): number {
  const awaited = new Set(full.pendingApprovals.map((approval) => approval.toolUseId));
  const index = full.messages.findIndex(
    (message) =>
      message.status === 'streaming' ||
      message.id === full.activeTurn?.userMessageId ||
      message.blocks.some((block) => block.type === 'tool_use' && awaited.has(block.toolUseId)),
  );
  return index === -1 ? full.messages.length : index;
}

/** The message an app event is shown with. */
function anchorOf(record: AppEventRecord): string | undefined {
  return record.messageId ?? record.afterMessageId;
}
