// Writes finished conversations straight into a data dir, as the daemon would have stored
// them, so a benchmark can start the daemon on a large history without streaming it first.
import { join } from 'node:path';
import type { EventDraft, EventLog } from '@once/log';
import { type ConversationId, type MessageId, type MessageSnapshot, newId, type TurnId } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';

/** How big a stored conversation is. */
export interface StoredConversationSize {
  /** Assistant messages, each one text block. */
  readonly messages: number;
  /** Text deltas per message. */
  readonly deltas: number;
}

/** Events a conversation of this size stores: per message, open, block open, deltas, block close, complete. */
export function storedEventCount(size: StoredConversationSize): number {
  return size.messages * (size.deltas + 4);
}

/** The account event that makes a conversation appear in the `default` account. */
function conversationCreated(conversationId: ConversationId, ts: string): EventDraft {
  return {
    stream: 'account',
    type: 'conversation_created',
    ts,
    data: { conversation: { id: conversationId, title: 'Stored', createdAt: ts, updatedAt: ts } },
  };
}

/** One complete assistant message of `deltas` text deltas, as the message writer stores it. */
function completeMessageDrafts(conversationId: ConversationId, deltas: number, ts: string): EventDraft[] {
  const messageId = newId() as MessageId;
  const turnId = newId() as TurnId;
  const base = { stream: 'conversation' as const, conversationId, messageId, ts };
  const drafts: EventDraft[] = [
    { ...base, type: 'message_open', blockIndex: -1, seq: 1, data: { role: 'assistant', turnId } },
    { ...base, type: 'block_open', blockIndex: 0, seq: 1, data: { blockType: 'text' } },
  ];
  for (let delta = 0; delta < deltas; delta += 1) {
    drafts.push({ ...base, type: 'block_delta', blockIndex: 0, seq: delta + 2, data: { text: 'tok ' } });
  }
  drafts.push({ ...base, type: 'block_close', blockIndex: 0, seq: deltas + 2, data: {} });
  const message: MessageSnapshot = {
    id: messageId,
    conversationId,
    role: 'assistant',
    status: 'complete',
    turnId,
    createdAt: ts,
    blocks: [{ index: 0, type: 'text', status: 'closed', text: 'tok '.repeat(deltas) }],
    watermarks: { '-1': 1, '0': deltas + 2 },
  };
  drafts.push({ ...base, type: 'message_complete', blockIndex: -1, seq: 2, data: { status: 'complete', message } });
  return drafts;
}

/**
 * Appends `count` finished conversations of `size` to an open log, one message per
 * `append` call (so each call is one large batch) and several conversations in flight at
 * once; returns their ids. The account events are written first, 1,000 a call.
 */
export async function appendStoredConversations(
  log: EventLog,
  count: number,
  size: StoredConversationSize,
  inFlight = 4,
): Promise<ConversationId[]> {
  const ts = new Date().toISOString();
  const ids = Array.from({ length: count }, () => newId() as ConversationId);
  for (let start = 0; start < count; start += 1_000) {
    const created = ids.slice(start, start + 1_000).map((id) => conversationCreated(id, ts));
    await log.append({ stream: 'account', accountId: 'default' }, created);
  }
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const conversationId = ids[next] as ConversationId;
      next += 1;
      for (let message = 0; message < size.messages; message += 1) {
        await log.append(
          { stream: 'conversation', conversationId },
          completeMessageDrafts(conversationId, size.deltas, ts),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, writer));
  return ids;
}

/** Creates one conversation in the `default` account of a data dir and stores every message complete. */
export async function writeStoredConversation(
  dataDir: string,
  size: StoredConversationSize,
): Promise<{ conversationId: ConversationId; events: number }> {
  const log = openSqliteEventLog({ path: join(dataDir, 'once.db') });
  try {
    const [conversationId] = (await appendStoredConversations(log, 1, size)) as [ConversationId];
    return { conversationId, events: storedEventCount(size) };
  } finally {
    await log.close();
  }
}
