import type { EventLog } from '@once/log';
import { type ConversationId, newId } from '@once/protocol';

/**
 * Appends an assistant message whose delta's seq skips one, then `after` activity events:
 * a log no daemon of this version writes. The reducer refuses the delta, so a conversation
 * folded from this log stops there, its message left streaming.
 */
export async function appendAnswerSkippingASeq(log: EventLog, conversationId: ConversationId, after = 0) {
  const messageId = newId();
  const base = { stream: 'conversation', conversationId, ts: new Date().toISOString() } as const;
  await log.append({ stream: 'conversation', conversationId }, [
    { ...base, type: 'message_open', messageId, blockIndex: -1, seq: 1, data: { role: 'assistant', turnId: newId() } },
    { ...base, type: 'block_open', messageId, blockIndex: 0, seq: 1, data: { blockType: 'text' } },
    { ...base, type: 'block_delta', messageId, blockIndex: 0, seq: 3, data: { text: 'skipped one' } },
    ...Array.from({ length: after }, (_, index) => ({
      ...base,
      type: 'activity',
      data: { phase: 'streaming', text: `after ${index}` },
    })),
  ] as never);
}
