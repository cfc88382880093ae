import type { EventDraft, StreamKey } from '@once/log';
import { type ConversationId, type MessageId, newId } from '@once/protocol';

/** A conversation stream with a fresh id, so tests sharing one log never collide. */
export function newConversationStream(): StreamKey & { readonly stream: 'conversation' } {
  return { stream: 'conversation', conversationId: newId() };
}

/** An account stream with a fresh id. */
export function newAccountStream(): StreamKey & { readonly stream: 'account' } {
  return { stream: 'account', accountId: `account-${newId()}` };
}

/** A fresh message id. */
export function newMessageId(): MessageId {
  return newId() as MessageId;
}

/**
 * A `block_delta` draft of `stream`'s conversation: message-scoped, so its identity is
 * `(messageId, 0, seq)`. `text` defaults to one that names the seq.
 */
export function deltaDraft(stream: StreamKey, messageId: MessageId, seq: number, text = `token ${seq} `): EventDraft {
  if (stream.stream !== 'conversation') throw new Error('deltaDraft needs a conversation stream');
  return {
    stream: 'conversation',
    conversationId: stream.conversationId as ConversationId,
    type: 'block_delta',
    messageId,
    blockIndex: 0,
    seq,
    ts: new Date(Date.UTC(2026, 10, 23, 21, 0, 0, seq)).toISOString(),
    data: { text },
  };
}

/** `count` consecutive deltas of one message, seq `firstSeq`, `firstSeq + 1`, … */
export function deltaDrafts(stream: StreamKey, messageId: MessageId, firstSeq: number, count: number): EventDraft[] {
  return Array.from({ length: count }, (_, index) => deltaDraft(stream, messageId, firstSeq + index));
}

/** An account-stream event; it has no identity, so appending it twice stores it twice. */
export function accountDraft(conversationId: string = newId()): EventDraft {
  return {
    stream: 'account',
    type: 'conversation_deleted',
    ts: '2026-11-23T21:00:00.000Z',
    data: { conversationId },
  };
}

/**
 * The opening of a user message sent with `clientMessageId` and its text: a
 * `message_open` (identity `(messageId, -1, 1)`) and a `block_delta`. `role` may make it
 * an assistant message's instead.
 */
export function sentMessageDrafts(
  stream: StreamKey,
  messageId: MessageId,
  clientMessageId: string,
  role: 'user' | 'assistant' = 'user',
): EventDraft[] {
  if (stream.stream !== 'conversation') throw new Error('sentMessageDrafts needs a conversation stream');
  const open: EventDraft = {
    stream: 'conversation',
    conversationId: stream.conversationId as ConversationId,
    type: 'message_open',
    messageId,
    blockIndex: -1,
    seq: 1,
    ts: '2026-12-07T18:00:00.000Z',
    data: { role, turnId: newId(), clientMessageId },
  } as EventDraft;
  return [open, deltaDraft(stream, messageId, 1, `sent as ${clientMessageId}`)];
}
