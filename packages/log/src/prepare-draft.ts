import { OnceError } from '@once/protocol';
import type { EventDraft, StoredEvent, StreamKey } from './event-log.ts';

/** The idempotency key of a message-scoped event. */
export interface EventIdentity {
  readonly messageId: string;
  readonly blockIndex: number;
  readonly seq: number;
}

/** A draft checked against its stream and serialized, ready for a transaction. */
export interface PreparedDraft {
  /** Present on message-scoped events: appending the same identity twice stores it once. */
  readonly identity: EventIdentity | undefined;
  /** The draft as JSON, without an offset. */
  readonly body: string;
  /** The draft's type. */
  readonly type: string;
  /** The draft's fields in stored order, without an offset: what `body` was made from. */
  readonly fields: object;
  /**
   * The `clientMessageId` of a user message's `message_open` that carries one: a stream
   * holds one user message per clientMessageId (see `EventLog.append`). Undefined on
   * every other draft.
   */
  readonly sentAs: string | undefined;
}

/**
 * Checks that a draft belongs to `stream` and serializes it. Done when `append` is called,
 * not in the transaction, so that one bad draft fails its own append and not the other
 * appends that would have shared its transaction.
 * @throws OnceError `invalid_event` with a sentence naming what is wrong.
 */
export function prepareDraft(stream: StreamKey, draft: EventDraft, index: number): PreparedDraft {
  const where = `Event ${index} of the append`;
  if (typeof draft !== 'object' || draft === null) throw new OnceError('invalid_event', `${where} is not an object.`);
  if (draft.stream !== stream.stream) {
    throw new OnceError(
      'invalid_event',
      `${where} says stream "${draft.stream}" but was appended to a ${stream.stream} stream.`,
    );
  }
  if (stream.stream === 'conversation' && draft.conversationId !== stream.conversationId) {
    throw new OnceError(
      'invalid_event',
      `${where} belongs to conversation ${draft.conversationId} but was appended to conversation ${stream.conversationId}.`,
    );
  }
  let body: string | undefined;
  const fields = inStoredOrder(draft);
  try {
    body = JSON.stringify(fields);
  } catch (error) {
    throw new OnceError('invalid_event', `${where} cannot be stored as JSON: ${String(error)}`, { cause: error });
  }
  return { identity: identityOf(draft, where), body, type: draft.type, fields, sentAs: sentAsOf(draft) };
}

/**
 * The draft with `type` right after the stream fields, before anything nested, so
 * readers can take the offset and type from the stored text without parsing it (see
 * stored-entry.ts), and without an `offset`: a stored event handed back must not carry
 * its old offset into the new one. A draft already in that shape (as the message writer
 * builds them) is used as it is, which spares a copy per event.
 */
function inStoredOrder(draft: EventDraft): object {
  if (!Object.hasOwn(draft, 'offset') && startsInStoredOrder(draft)) return draft;
  const { offset: _offset, stream: kind, conversationId, type, ...rest } = draft as EventDraft & { offset?: unknown };
  return { stream: kind, ...(conversationId === undefined ? {} : { conversationId }), type, ...rest };
}

/** Whether the draft's own keys begin `stream`, [`conversationId`,] `type`; reads no more keys than that. */
function startsInStoredOrder(draft: EventDraft): boolean {
  let position = 0;
  for (const key in draft) {
    if (!Object.hasOwn(draft, key)) continue;
    if (position === 0 && key !== 'stream') return false;
    if (position === 1 && key === 'conversationId') continue;
    if (position >= 1) return key === 'type';
    position += 1;
  }
  return false;
}

/** The stored event as an object: its offset first, then the draft's fields, as `envelopeText` writes them. */
export function envelopeObject(fields: object, offset: number): StoredEvent {
  return { offset, ...fields } as StoredEvent;
}

/** The stored text of an event: its offset first, then the draft's fields in their order. */
export function envelopeText(body: string, offset: number): string {
  return body === '{}' ? `{"offset":${offset}}` : `{"offset":${offset},${body.slice(1)}`;
}

function identityOf(draft: EventDraft, where: string): EventIdentity | undefined {
  const { messageId, blockIndex, seq } = draft;
  if (messageId === undefined && blockIndex === undefined && seq === undefined) return undefined;
  if (typeof messageId !== 'string' || !Number.isSafeInteger(blockIndex) || !Number.isSafeInteger(seq)) {
    throw new OnceError(
      'invalid_event',
      `${where} is message-scoped but lacks a valid messageId, blockIndex or seq; all three identify it.`,
    );
  }
  return { messageId, blockIndex: blockIndex as number, seq: seq as number };
}

/** The clientMessageId a user message's `message_open` was sent with, if any. */
function sentAsOf(draft: EventDraft): string | undefined {
  if (draft.type !== 'message_open') return undefined;
  const data = draft.data as { readonly role?: unknown; readonly clientMessageId?: unknown } | undefined;
  return data?.role === 'user' && typeof data.clientMessageId === 'string' ? data.clientMessageId : undefined;
}
