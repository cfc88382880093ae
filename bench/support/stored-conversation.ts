// Writes a finished conversation straight into a data dir, as the daemon would have stored
// it, so a benchmark can start the daemon on a large history without streaming it first.
import { join } from 'node:path';
import type { EventDraft } from '@once/log';
import { type ConversationId, type MessageId, type MessageSnapshot, newId, type TurnId } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';

/** How big the stored conversation is. */
export interface StoredConversationSize {
  /** Assistant messages, each one text block. */
  readonly messages: number;
  /** Text deltas per message. */
  readonly deltas: number;
}

/** Creates the conversation in the `default` account and stores every message complete. */
export async function writeStoredConversation(
  dataDir: string,
  size: StoredConversationSize,
): Promise<{ conversationId: ConversationId; events: number }> {
  const log = openSqliteEventLog({ path: join(dataDir, 'once.db') });
  const conversationId = newId() as ConversationId;
  const ts = new Date().toISOString();
  await log.append({ stream: 'account', accountId: 'default' }, [
    {
      stream: 'account',
      type: 'conversation_created',
      ts,
      data: { conversation: { id: conversationId, title: 'Stored', createdAt: ts, updatedAt: ts } },
    },
  ]);
  let events = 0;
  for (let index = 0; index < size.messages; index += 1) {
    const messageId = newId() as MessageId;
    const turnId = newId() as TurnId;
    const base = { stream: 'conversation' as const, conversationId, messageId, ts };
    const drafts: EventDraft[] = [
      { ...base, type: 'message_open', blockIndex: -1, seq: 1, data: { role: 'assistant', turnId } },
      { ...base, type: 'block_open', blockIndex: 0, seq: 1, data: { blockType: 'text' } },
    ];
    for (let delta = 0; delta < size.deltas; delta += 1) {
      drafts.push({ ...base, type: 'block_delta', blockIndex: 0, seq: delta + 2, data: { text: 'tok ' } });
    }
    drafts.push({ ...base, type: 'block_close', blockIndex: 0, seq: size.deltas + 2, data: {} });
    const message: MessageSnapshot = {
      id: messageId,
      conversationId,
      role: 'assistant',
      status: 'complete',
      turnId,
      createdAt: ts,
      blocks: [{ index: 0, type: 'text', status: 'closed', text: 'tok '.repeat(size.deltas) }],
      watermarks: { '-1': 1, '0': size.deltas + 2 },
    };
    drafts.push({ ...base, type: 'message_complete', blockIndex: -1, seq: 2, data: { status: 'complete', message } });
    await log.append({ stream: 'conversation', conversationId }, drafts);
    events += drafts.length;
  }
  await log.close();
  return { conversationId, events };
}
