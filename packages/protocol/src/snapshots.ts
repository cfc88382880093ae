import { z } from 'zod';
import { messageAttachmentsSchema } from './attachment.ts';
import { clientMessageIdSchema, conversationIdSchema, messageIdSchema, turnIdSchema } from './ids.ts';

/** Index of a block inside its message; message-level events use {@link MESSAGE_LEVEL}. */
export const blockIndexSchema = z.number().int('blockIndex must be an integer').min(-1).max(100_000);

/** The `blockIndex` of events about the message itself (`message_open`, `message_complete`). */
export const MESSAGE_LEVEL = -1;

/** Per-(message, block) sequence number: 1, 2, 3, … assigned by the writer. */
export const seqSchema = z
  .number()
  .int('seq must be an integer')
  .positive('seq starts at 1')
  .max(Number.MAX_SAFE_INTEGER);

export const blockStatusSchema = z.enum(['open', 'closed']);
export type BlockStatus = z.infer<typeof blockStatusSchema>;

/** A JSON value, as carried by tool inputs, tool results and surfaces. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const jsonValueSchema: z.ZodType<JsonValue> = z.json();
export const jsonObjectSchema = z.record(z.string(), jsonValueSchema);
export type JsonObject = z.infer<typeof jsonObjectSchema>;

const blockBase = { index: z.number().int().nonnegative(), status: blockStatusSchema };

export const textBlockSchema = z.object({ ...blockBase, type: z.literal('text'), text: z.string() });
export const thinkingBlockSchema = z.object({ ...blockBase, type: z.literal('thinking'), text: z.string() });
export const toolUseBlockSchema = z.object({
  ...blockBase,
  type: z.literal('tool_use'),
  toolName: z.string().min(1),
  toolUseId: z.string().min(1),
  /** The tool input as streamed so far (JSON text, possibly incomplete). */
  partialJson: z.string(),
  /** The parsed input, present once the block is closed. */
  input: jsonValueSchema.optional(),
});
export const toolResultBlockSchema = z.object({
  ...blockBase,
  type: z.literal('tool_result'),
  toolUseId: z.string().min(1),
  /** Tool output streamed so far. */
  text: z.string(),
  /** The tool's final result, present once the block is closed. */
  result: jsonValueSchema.optional(),
  isError: z.boolean().optional(),
});
export const surfaceBlockSchema = z.object({
  ...blockBase,
  type: z.literal('surface'),
  surfaceId: z.string().min(1),
  surfaceType: z.string().min(1),
  /** The surface's state: every streamed JSON merge patch applied in order. */
  data: jsonObjectSchema,
});

export const blockSnapshotSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  thinkingBlockSchema,
  toolUseBlockSchema,
  toolResultBlockSchema,
  surfaceBlockSchema,
]);
export type TextBlock = z.infer<typeof textBlockSchema>;
export type ThinkingBlock = z.infer<typeof thinkingBlockSchema>;
export type ToolUseBlock = z.infer<typeof toolUseBlockSchema>;
export type ToolResultBlock = z.infer<typeof toolResultBlockSchema>;
export type SurfaceBlock = z.infer<typeof surfaceBlockSchema>;
export type BlockSnapshot = z.infer<typeof blockSnapshotSchema>;
export type BlockType = BlockSnapshot['type'];

export const roleSchema = z.enum(['user', 'assistant']);
export type Role = z.infer<typeof roleSchema>;

/** How a message ended; `streaming` while it is still open. */
export const messageStatusSchema = z.enum(['streaming', 'complete', 'cancelled', 'interrupted', 'error']);
export type MessageStatus = z.infer<typeof messageStatusSchema>;
export type FinalMessageStatus = Exclude<MessageStatus, 'streaming'>;

export const usageSchema = z
  .object({
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
  })
  .catchall(jsonValueSchema);
export type Usage = z.infer<typeof usageSchema>;

export const messageErrorSchema = z.object({ code: z.string().min(1), message: z.string() });
export type MessageError = z.infer<typeof messageErrorSchema>;

/**
 * Highest `seq` applied per block index (as a decimal string key, `"-1"` for the message
 * itself). An event at or below its watermark is a duplicate and changes nothing.
 */
export const watermarksSchema = z.record(z.string().regex(/^(-1|0|[1-9][0-9]*)$/), seqSchema);
export type Watermarks = z.infer<typeof watermarksSchema>;

/** A message as history returns it and as every client's reducer builds it. */
export const messageSnapshotSchema = z.object({
  id: messageIdSchema,
  conversationId: conversationIdSchema,
  role: roleSchema,
  status: messageStatusSchema,
  turnId: turnIdSchema,
  clientMessageId: clientMessageIdSchema.optional(),
  /**
   * The message this one follows on its branch, or null for the conversation's start;
   * present only when that is not the message opened just before it (in `messages`
   * order), so linear conversations never carry it. Added after v1.
   */
  parentId: messageIdSchema.nullable().optional(),
  /** The message this one is an alternative to, as its `message_open` said. Added after v1. */
  replaces: messageIdSchema.optional(),
  /** Files sent with the message, copied from its `message_open`; absent when none. */
  attachments: messageAttachmentsSchema.optional(),
  createdAt: z.iso.datetime(),
  stopReason: z.string().optional(),
  usage: usageSchema.optional(),
  error: messageErrorSchema.optional(),
  blocks: z
    .array(blockSnapshotSchema)
    .refine((blocks) => blocks.every((block, index) => block.index === index), 'blocks[i].index must equal i'),
  watermarks: watermarksSchema,
});
export type MessageSnapshot = z.infer<typeof messageSnapshotSchema>;
