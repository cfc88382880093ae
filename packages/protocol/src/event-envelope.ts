import { z } from 'zod';
import { conversationIdSchema, messageIdSchema } from './ids.ts';
import { offsetSchema } from './offset.ts';
import { blockIndexSchema, seqSchema } from './snapshots.ts';

/** An event's offset: 1 for the first event of a stream. */
export const eventOffsetSchema = offsetSchema.min(1, 'event offsets start at 1');

/**
 * The offset of the event before this one in its stream, present only where compaction
 * removed the events between (docs/decisions/021-compaction.md): a reader holding any
 * offset from `previousOffset` to `offset - 1` continues with this event, no gap.
 */
export const previousOffsetSchema = offsetSchema.optional();

/** Fields every conversation-stream event carries. */
export const conversationEnvelope = {
  offset: eventOffsetSchema,
  stream: z.literal('conversation'),
  conversationId: conversationIdSchema,
  previousOffset: previousOffsetSchema,
  ts: z.iso.datetime(),
};

/** Fields every message-scoped event carries besides {@link conversationEnvelope}. */
export const messageEnvelope = {
  ...conversationEnvelope,
  messageId: messageIdSchema,
  blockIndex: blockIndexSchema,
  seq: seqSchema,
};

/** Fields every account-stream event carries. */
export const accountEnvelope = {
  offset: eventOffsetSchema,
  stream: z.literal('account'),
  ts: z.iso.datetime(),
};

/**
 * Any well-formed envelope, whatever its `type`. Clients accept an envelope of a type
 * they do not know so that its offset still counts (forward compatibility). A
 * conversation-stream envelope must name its conversation: a reader counts the offset
 * only of events of its own conversation.
 */
export const anyEventEnvelopeSchema = z
  .object({
    offset: eventOffsetSchema,
    stream: z.enum(['conversation', 'account']),
    conversationId: conversationIdSchema.optional(),
    type: z.string().regex(/^[a-z][a-z0-9_]*$/, 'type must be a snake_case name'),
    messageId: messageIdSchema.optional(),
    blockIndex: blockIndexSchema.optional(),
    seq: seqSchema.optional(),
    previousOffset: previousOffsetSchema,
    ts: z.iso.datetime(),
    data: z.unknown(),
  })
  .refine((envelope) => envelope.stream !== 'conversation' || envelope.conversationId !== undefined, {
    message: 'conversation-stream events carry a conversationId',
    path: ['conversationId'],
  });
export type AnyEventEnvelope = z.infer<typeof anyEventEnvelopeSchema>;
