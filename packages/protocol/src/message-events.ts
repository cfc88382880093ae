import { z } from 'zod';
import { messageAttachmentsSchema } from './attachment.ts';
import { messageEnvelope } from './event-envelope.ts';
import { clientMessageIdSchema, messageIdSchema, turnIdSchema } from './ids.ts';
import {
  blockIndexSchema,
  jsonObjectSchema,
  jsonValueSchema,
  messageErrorSchema,
  messageSnapshotSchema,
  roleSchema,
  usageSchema,
} from './snapshots.ts';

const messageLevel = z.literal(-1, { message: 'message-level events have blockIndex -1' });
const blockLevel = blockIndexSchema.nonnegative('block events have a blockIndex of 0 or more');

/** A message opens; its id is final from here on. */
export const messageOpenEventSchema = z.object({
  ...messageEnvelope,
  type: z.literal('message_open'),
  blockIndex: messageLevel,
  data: z.object({
    role: roleSchema,
    turnId: turnIdSchema,
    clientMessageId: clientMessageIdSchema.optional(),
    /**
     * This message is an alternative to that one, with the same parent: a regenerated
     * answer replaces an assistant message, an edited user message replaces a user
     * message (docs/decisions/022-branches.md). Absent: the message continues the current
     * path. Added after v1; older readers ignore it.
     */
    replaces: messageIdSchema.optional(),
    /**
     * With `replaces`: the parent the writer placed the message under (null: the start),
     * the replaced message's own. A reader that holds the replaced message derives the same
     * one; one that does not (a history page that left it out) takes it from here. Added
     * after v1; older readers ignore it.
     */
    parentId: messageIdSchema.nullable().optional(),
    /** Files sent with the message (user messages), by hash; added after v1, which ignores it. */
    attachments: messageAttachmentsSchema.optional(),
  }),
});

/** What a `block_open` says about the new block, by block type. */
export const blockOpenDataSchema = z.discriminatedUnion('blockType', [
  z.object({ blockType: z.literal('text') }),
  z.object({ blockType: z.literal('thinking') }),
  z.object({ blockType: z.literal('tool_use'), toolName: z.string().min(1), toolUseId: z.string().min(1) }),
  z.object({ blockType: z.literal('tool_result'), toolUseId: z.string().min(1) }),
  z.object({ blockType: z.literal('surface'), surfaceId: z.string().min(1), surfaceType: z.string().min(1) }),
]);
export type BlockOpenData = z.infer<typeof blockOpenDataSchema>;

export const blockOpenEventSchema = z.object({
  ...messageEnvelope,
  type: z.literal('block_open'),
  blockIndex: blockLevel,
  data: blockOpenDataSchema,
});

/**
 * A piece of a block: `text` for text, thinking and tool_result blocks, `partialJson`
 * for tool_use, `patch` (a JSON merge patch, RFC 7396) for surfaces.
 */
export const blockDeltaDataSchema = z.union(
  [
    z.strictObject({ text: z.string() }),
    z.strictObject({ partialJson: z.string() }),
    z.strictObject({ patch: jsonObjectSchema }),
  ],
  { error: 'a block delta carries exactly one of text, partialJson or patch' },
);
export type BlockDeltaData = z.infer<typeof blockDeltaDataSchema>;

export const blockDeltaEventSchema = z.object({
  ...messageEnvelope,
  type: z.literal('block_delta'),
  blockIndex: blockLevel,
  data: blockDeltaDataSchema,
});

/** Final fields of a block, where its type has them. */
export const blockCloseDataSchema = z.object({
  /** tool_use: the parsed input. */
  input: jsonValueSchema.optional(),
  /** tool_result: the tool's result. */
  result: jsonValueSchema.optional(),
  /** tool_result: whether the tool failed. */
  isError: z.boolean().optional(),
  /** surface: the final state, replacing the patched one. */
  data: jsonObjectSchema.optional(),
});
export type BlockCloseData = z.infer<typeof blockCloseDataSchema>;

export const blockCloseEventSchema = z.object({
  ...messageEnvelope,
  type: z.literal('block_close'),
  blockIndex: blockLevel,
  data: blockCloseDataSchema,
});

/**
 * The message ended. Emitted exactly once per message; `message` is the full final
 * snapshot, enough on its own for consumers that do not render deltas.
 */
export const messageCompleteEventSchema = z.object({
  ...messageEnvelope,
  type: z.literal('message_complete'),
  blockIndex: messageLevel,
  data: z.object({
    status: z.enum(['complete', 'cancelled', 'interrupted', 'error']),
    stopReason: z.string().optional(),
    usage: usageSchema.optional(),
    error: messageErrorSchema.optional(),
    message: messageSnapshotSchema,
  }),
});

export type MessageOpenEvent = z.infer<typeof messageOpenEventSchema>;
export type BlockOpenEvent = z.infer<typeof blockOpenEventSchema>;
export type BlockDeltaEvent = z.infer<typeof blockDeltaEventSchema>;
export type BlockCloseEvent = z.infer<typeof blockCloseEventSchema>;
export type MessageCompleteEvent = z.infer<typeof messageCompleteEventSchema>;
export type MessageEvent = MessageOpenEvent | BlockOpenEvent | BlockDeltaEvent | BlockCloseEvent | MessageCompleteEvent;
