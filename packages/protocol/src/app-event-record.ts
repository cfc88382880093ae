import { z } from 'zod';
import { eventOffsetSchema } from './event-envelope.ts';
import { messageIdSchema } from './ids.ts';
import { jsonValueSchema } from './snapshots.ts';

/**
 * A conversation event of a type the protocol does not define (an app event: what a
 * tool writes with `emit(type, data)`, the AI SDK bridge's `data_<name>` and
 * `step_start`), as the conversation snapshot keeps it so a reloaded client can still
 * show it. Every one is kept, in offset order: app events are rare, and the log holds
 * them anyway.
 */
export const appEventRecordSchema = z.object({
  /** The event's offset in the conversation stream. */
  offset: eventOffsetSchema,
  /** The event's snake_case type. */
  type: z.string().regex(/^[a-z][a-z0-9_]*$/, 'type must be a snake_case name'),
  /** The event's data as written; `null` when it had none. */
  data: jsonValueSchema,
  /**
   * The message the event belongs to, when its data names one (`data.messageId`, as the
   * AI SDK bridge writes; decision 010).
   */
  messageId: messageIdSchema.optional(),
  /** Where it goes among that message's blocks (`data.beforeBlock`): before block N. */
  beforeBlock: z.number().int().min(0).optional(),
  /**
   * The message last opened before the event came, when its data names none: a reader
   * shows the event after that message. Absent when no message had opened yet.
   */
  afterMessageId: messageIdSchema.optional(),
});
export type AppEventRecord = z.infer<typeof appEventRecordSchema>;
