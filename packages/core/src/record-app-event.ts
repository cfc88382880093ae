import {
  type AppEventRecord,
  type IncomingEvent,
  type JsonValue,
  type MessageId,
  messageIdSchema,
} from '@once/protocol';
import type { ConversationState } from './conversation-state.ts';
import { advance } from './cursor-steps.ts';

/**
 * Applies a conversation event of a type the protocol does not define: the offset
 * advances and the event joins `appEvents`, placed by its data's `messageId` and
 * `beforeBlock` when it carries them (decision 010), else after the message last opened.
 * The messages keep their identity.
 */
export function recordAppEvent(state: ConversationState, event: IncomingEvent): ConversationState {
  const data = (event.data ?? null) as JsonValue;
  const record: AppEventRecord = { offset: event.offset, type: event.type, data, ...placeOf(state, data) };
  return { ...advance(state, event.offset), appEvents: [...state.appEvents, record] };
}

type Place = Pick<AppEventRecord, 'messageId' | 'beforeBlock' | 'afterMessageId'>;

function placeOf(state: ConversationState, data: JsonValue): Place {
  const fields = typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {};
  const messageId = messageIdSchema.safeParse(fields.messageId);
  if (messageId.success) {
    const beforeBlock = fields.beforeBlock;
    const placed = typeof beforeBlock === 'number' && Number.isInteger(beforeBlock) && beforeBlock >= 0;
    return { messageId: messageId.data, ...(placed ? { beforeBlock } : {}) };
  }
  const last: MessageId | undefined = state.messages.at(-1)?.id;
  return last === undefined ? {} : { afterMessageId: last };
}
