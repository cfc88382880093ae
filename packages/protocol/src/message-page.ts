import { z } from 'zod';
import { appEventRecordSchema } from './app-event-record.ts';
import { olderMessagesSchema } from './conversation-snapshot.ts';
import { messageSnapshotSchema } from './snapshots.ts';

/**
 * A page of older messages: what `GET /v1/conversations/:id/messages?before=` returns.
 * Every message in it has ended (a page of a snapshot never leaves a streaming message
 * out), so a page read once stays true.
 */
export const messagePageSchema = z.object({
  /** The messages just before the cursor, in the order they opened. */
  messages: z.array(messageSnapshotSchema),
  /**
   * The app events that belong to these messages (their `messageId`, else their
   * `afterMessageId`), in offset order; absent when none does.
   */
  appEvents: z.array(appEventRecordSchema).optional(),
  /** Where still older messages are; absent when this page reaches the first message. */
  older: olderMessagesSchema.optional(),
});
export type MessagePage = z.infer<typeof messagePageSchema>;
