import { type ConversationState, createConversationState, reduceAll } from '@once/core';
import type { ConversationEventDraft, ConversationId, IncomingEvent } from '@once/protocol';
import type { AppendDrafts } from '../src/index.ts';

/** An in-memory stand-in for a conversation stream: records each append and gives offsets. */
export interface RecordedAppends {
  readonly append: AppendDrafts;
  /** The drafts of each append call, in call order. */
  readonly calls: (readonly ConversationEventDraft[])[];
  /** Every draft appended, in order, with its offset. */
  events(): IncomingEvent[];
  /** The stream folded by the core reducer, as a reader would see it. */
  fold(): ConversationState;
}

export function recordAppends(conversationId: ConversationId): RecordedAppends {
  const calls: (readonly ConversationEventDraft[])[] = [];
  const events = () => calls.flat().map((draft, index) => ({ ...draft, offset: index + 1 }) as IncomingEvent);
  return {
    calls,
    append: async (drafts) => {
      calls.push(drafts);
    },
    events,
    fold: () => reduceAll(createConversationState(conversationId), events()),
  };
}
