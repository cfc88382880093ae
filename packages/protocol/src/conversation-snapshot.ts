import { z } from 'zod';
import { appEventRecordSchema } from './app-event-record.ts';
import { conversationIdSchema, messageIdSchema } from './ids.ts';
import { offsetSchema } from './offset.ts';
import { jsonValueSchema, messageSnapshotSchema } from './snapshots.ts';
import { activityPhaseSchema, startedTurnSchema } from './turn-events.ts';

/** An approval the assistant is waiting for. */
export const pendingApprovalSchema = z.object({
  toolUseId: z.string().min(1),
  toolName: z.string().min(1),
  input: jsonValueSchema,
});
export type PendingApproval = z.infer<typeof pendingApprovalSchema>;

/**
 * Where older messages are, when a page (`?limit=`) left some out: read them with
 * `GET /v1/conversations/:id/messages?before=<before>`.
 */
export const olderMessagesSchema = z.object({
  /** The id of the oldest message the page holds: older pages are read before it. */
  before: messageIdSchema,
  /** How many messages are older than `before`. */
  count: z.number().int().positive(),
});
export type OlderMessages = z.infer<typeof olderMessagesSchema>;

/**
 * A conversation's state folded at exactly `offset`: what history returns and what a
 * client starts from. `reduce(fromSnapshot(s), events after s.offset)` equals the fold
 * of the whole stream.
 */
export const conversationSnapshotSchema = z.object({
  conversationId: conversationIdSchema,
  offset: offsetSchema,
  messages: z.array(messageSnapshotSchema),
  /**
   * The last message of the current path (docs/decisions/022-branches.md); absent when it
   * is the last message opened, as in every conversation without branches. Added after v1.
   */
  leafId: messageIdSchema.optional(),
  /** The running turn, as its `turn_start` announced it; absent when none runs. */
  activeTurn: startedTurnSchema.optional(),
  /** What the assistant is doing; `idle` between turns. */
  activity: z.object({ phase: activityPhaseSchema, text: z.string().optional() }),
  /** Tool calls waiting for a decision, oldest first. */
  pendingApprovals: z.array(pendingApprovalSchema),
  /**
   * The conversation's app events (types the protocol does not define), in offset order;
   * absent when it has none. Added after v1: older servers never send it.
   */
  appEvents: z.array(appEventRecordSchema).optional(),
  /**
   * Present only on a page (`?limit=`) that left older messages out; `messages` then
   * holds the latest ones only. Added after v1: a request without `limit` never has it.
   */
  older: olderMessagesSchema.optional(),
});
export type ConversationSnapshot = z.infer<typeof conversationSnapshotSchema>;
