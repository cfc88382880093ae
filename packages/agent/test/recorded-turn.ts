import { type ConversationState, createConversationState, reduceAll } from '@once/core';
import type { AppendDrafts } from '@once/producer';
import {
  type ConversationEventDraft,
  type ConversationId,
  type IncomingEvent,
  type MessageId,
  type MessageSnapshot,
  newId,
  type TurnId,
} from '@once/protocol';

/** A conversation stream in memory: every append recorded in order, with offsets. */
export interface RecordedStream {
  readonly conversationId: ConversationId;
  readonly append: AppendDrafts;
  /** Called after each append with the drafts it carried, before it resolves. */
  onAppend?: (drafts: readonly ConversationEventDraft[]) => void;
  events(): IncomingEvent[];
  fold(): ConversationState;
}

export function recordStream(): RecordedStream {
  const conversationId = newId() as ConversationId;
  const drafts: ConversationEventDraft[] = [];
  const events = () => drafts.map((draft, index) => ({ ...draft, offset: index + 1 }) as IncomingEvent);
  const stream: RecordedStream = {
    conversationId,
    append: async (batch) => {
      drafts.push(...batch);
      stream.onAppend?.(batch);
    },
    events,
    fold: () => reduceAll(createConversationState(conversationId), events()),
  };
  return stream;
}

/** A completed user message, as history hands it to a turn. */
export function userMessage(conversationId: ConversationId, text: string, turnId = newId() as TurnId): MessageSnapshot {
  return {
    id: newId() as MessageId,
    conversationId,
    role: 'user',
    status: 'complete',
    turnId,
    createdAt: '2026-11-23T21:00:00.000Z',
    blocks: [{ index: 0, type: 'text', status: 'closed', text }],
    watermarks: { '-1': 2, '0': 3 },
  };
}
