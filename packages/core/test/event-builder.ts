// Builds a conversation's events by hand for example tests: offsets and seq numbers are
// assigned the way the daemon assigns them, so each test states only what it is about.
import type {
  BlockCloseData,
  BlockDeltaData,
  BlockOpenData,
  ConversationEvent,
  ConversationId,
  FinalMessageStatus,
  MessageId,
  MessageSnapshot,
  Offset,
  TurnId,
} from '@once/protocol';
import { idsFor } from './conversation-script.ts';

export interface EventBuilder {
  readonly conversationId: ConversationId;
  newMessageId(): MessageId;
  newTurnId(): TurnId;
  messageOpen(
    messageId: MessageId,
    data: {
      role: 'user' | 'assistant';
      turnId: TurnId;
      clientMessageId?: string;
      replaces?: MessageId;
      parentId?: MessageId | null;
    },
  ): ConversationEvent;
  blockOpen(messageId: MessageId, blockIndex: number, data: BlockOpenData): ConversationEvent;
  delta(messageId: MessageId, blockIndex: number, data: BlockDeltaData): ConversationEvent;
  blockClose(messageId: MessageId, blockIndex: number, data?: BlockCloseData): ConversationEvent;
  complete(
    messageId: MessageId,
    status: FinalMessageStatus,
    message: MessageSnapshot,
    extra?: { error?: { code: string; message: string }; stopReason?: string },
  ): ConversationEvent;
  other<T extends ConversationEvent['type']>(
    type: T,
    data: Extract<ConversationEvent, { type: T }>['data'],
  ): ConversationEvent;
  /** An event as a newer protocol version might send it. */
  /** An event of a type the protocol does not define (an app event); `data` defaults to `{ future: true }`. */
  unknown(type: string, data?: unknown): ConversationEvent;
}

export function eventBuilder(salt = 1): EventBuilder {
  const newId = idsFor(salt);
  const conversationId = newId() as ConversationId;
  let offset = 0;
  const seqs = new Map<string, number>();
  const envelope = () => {
    offset += 1;
    return {
      offset: offset as Offset,
      stream: 'conversation' as const,
      conversationId,
      ts: new Date(Date.UTC(2026, 10, 23, 21, 0, offset)).toISOString(),
    };
  };
  const scoped = (messageId: MessageId, blockIndex: number) => {
    const key = `${messageId}/${blockIndex}`;
    const seq = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    return { ...envelope(), messageId, blockIndex, seq };
  };
  const as = (event: object) => event as ConversationEvent;
  return {
    conversationId,
    newMessageId: () => newId() as MessageId,
    newTurnId: () => newId() as TurnId,
    messageOpen: (messageId, data) => as({ ...scoped(messageId, -1), type: 'message_open', data }),
    blockOpen: (messageId, blockIndex, data) => as({ ...scoped(messageId, blockIndex), type: 'block_open', data }),
    delta: (messageId, blockIndex, data) => as({ ...scoped(messageId, blockIndex), type: 'block_delta', data }),
    blockClose: (messageId, blockIndex, data = {}) =>
      as({ ...scoped(messageId, blockIndex), type: 'block_close', data }),
    complete: (messageId, status, message, extra = {}) =>
      as({ ...scoped(messageId, -1), type: 'message_complete', data: { status, ...extra, message } }),
    other: (type, data) => as({ ...envelope(), type, data }),
    unknown: (type, data = { future: true }) => as({ ...envelope(), type, data, unknownType: true }),
  };
}
