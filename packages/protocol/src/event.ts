import { z } from 'zod';
import {
  type AccountEvent,
  conversationCreatedEventSchema,
  conversationDeletedEventSchema,
  conversationUpdatedEventSchema,
} from './account-events.ts';
import { type BranchSelectedEvent, branchSelectedEventSchema } from './branch-events.ts';
import { describeZodError } from './describe-zod-error.ts';
import { OnceError } from './errors.ts';
import { type AnyEventEnvelope, anyEventEnvelopeSchema } from './event-envelope.ts';
import {
  blockCloseEventSchema,
  blockDeltaEventSchema,
  blockOpenEventSchema,
  type MessageEvent,
  messageCompleteEventSchema,
  messageOpenEventSchema,
} from './message-events.ts';
import { readBlockDelta } from './read-block-delta.ts';
import {
  activityEventSchema,
  approvalRequestEventSchema,
  approvalResolvedEventSchema,
  type TurnEvent,
  turnEndEventSchema,
  turnStartEventSchema,
  usageEventSchema,
} from './turn-events.ts';

/** Every v1 event, discriminated by `type`. */
export const onceEventSchema = z.discriminatedUnion('type', [
  messageOpenEventSchema,
  blockOpenEventSchema,
  blockDeltaEventSchema,
  blockCloseEventSchema,
  messageCompleteEventSchema,
  turnStartEventSchema,
  turnEndEventSchema,
  activityEventSchema,
  approvalRequestEventSchema,
  approvalResolvedEventSchema,
  usageEventSchema,
  branchSelectedEventSchema,
  conversationCreatedEventSchema,
  conversationUpdatedEventSchema,
  conversationDeletedEventSchema,
]);

/** Any v1 event. */
export type OnceEvent = MessageEvent | TurnEvent | BranchSelectedEvent | AccountEvent;
/** Events of a conversation stream. */
export type ConversationEvent = MessageEvent | TurnEvent | BranchSelectedEvent;
export type EventType = OnceEvent['type'];

/** Every event type this version of the protocol knows. */
export const EVENT_TYPES: ReadonlySet<string> = new Set<EventType>(
  onceEventSchema.options.map((option) => option.shape.type.value),
);

/**
 * A well-formed event of a type this version does not know. Its offset still counts;
 * its content is ignored (forward compatibility).
 */
export type UnknownEvent = AnyEventEnvelope & { readonly unknownType: true };

/** What a client may receive: a known event or a well-formed one of an unknown type. */
export type IncomingEvent = OnceEvent | UnknownEvent;

export type SafeParseEventResult = { success: true; event: OnceEvent } | { success: false; error: OnceError };

/**
 * Validates a known event. Unknown types are rejected; use {@link parseIncomingEvent}
 * where events of newer protocol versions must be tolerated.
 */
export function safeParseEvent(input: unknown): SafeParseEventResult {
  const result = onceEventSchema.safeParse(input);
  if (result.success) return { success: true, event: result.data as OnceEvent };
  return { success: false, error: new OnceError('invalid_event', describeEventError(input, result.error)) };
}

/**
 * Validates a known event.
 * @throws OnceError `invalid_event` naming the event type and the fields that are wrong.
 */
export function parseEvent(input: unknown): OnceEvent {
  const result = safeParseEvent(input);
  if (!result.success) throw result.error;
  return result.event;
}

/**
 * Validates an event as a client receives it: a known type must be valid; an unknown
 * type needs only a valid envelope and is marked `unknownType`.
 * @throws OnceError `invalid_event` when the event is malformed.
 */
export function parseIncomingEvent(input: unknown): IncomingEvent {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  if (type === 'block_delta') {
    // Most of a stream: the common shape is checked without the schema's generic pass.
    const delta = readBlockDelta(input);
    if (delta !== undefined) return delta;
  }
  if (typeof type === 'string' && !EVENT_TYPES.has(type)) {
    const envelope = anyEventEnvelopeSchema.safeParse(input);
    if (!envelope.success) {
      throw new OnceError('invalid_event', describeEventError(input, envelope.error));
    }
    return { ...envelope.data, unknownType: true };
  }
  return parseEvent(input);
}

/** Narrows an incoming event to a known one. */
export function isKnownEvent(event: IncomingEvent): event is OnceEvent {
  return !('unknownType' in event);
}

function describeEventError(input: unknown, error: z.ZodError): string {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  const what = typeof type === 'string' ? `Invalid ${type.slice(0, 40)} event` : 'Invalid event';
  return `${what}: ${describeZodError(error)}`;
}
