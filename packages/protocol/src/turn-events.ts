import { z } from 'zod';
import { conversationEnvelope } from './event-envelope.ts';
import { clientMessageIdSchema, messageIdSchema, turnIdSchema } from './ids.ts';
import { jsonValueSchema, usageSchema } from './snapshots.ts';

/**
 * A turn that started: the one `turn_start` announces, and the conversation snapshot's
 * `activeTurn` while it runs.
 */
export const startedTurnSchema = z.object({
  turnId: turnIdSchema,
  /** The user message the turn answers. */
  userMessageId: messageIdSchema,
  /**
   * A regenerate turn: the assistant message its answer replaces, as that answer's
   * `message_open` will say. Durable from the turn's start, so that recovery can place an
   * answer the turn never opened beside the one regenerated
   * (docs/decisions/040-regenerate-turns-say-what-they-replace.md). Added after v1; older
   * readers ignore it.
   */
  replaces: messageIdSchema.optional(),
  /** A regenerate turn: the request's clientMessageId, which its answer opens with. Added after v1. */
  clientMessageId: clientMessageIdSchema.optional(),
});
export type StartedTurn = z.infer<typeof startedTurnSchema>;

export const turnStartEventSchema = z.object({
  ...conversationEnvelope,
  type: z.literal('turn_start'),
  data: startedTurnSchema,
});

export const turnEndReasonSchema = z.enum(['complete', 'cancelled', 'handoff', 'error', 'interrupted']);
export type TurnEndReason = z.infer<typeof turnEndReasonSchema>;

export const turnEndEventSchema = z.object({
  ...conversationEnvelope,
  type: z.literal('turn_end'),
  data: z.object({ turnId: turnIdSchema, reason: turnEndReasonSchema }),
});

export const activityPhaseSchema = z.enum(['idle', 'thinking', 'streaming', 'tool_running', 'awaiting_approval']);
export type ActivityPhase = z.infer<typeof activityPhaseSchema>;

/** What the assistant is doing right now, for a status line. */
export const activityEventSchema = z.object({
  ...conversationEnvelope,
  type: z.literal('activity'),
  data: z.object({ phase: activityPhaseSchema, text: z.string().optional() }),
});

export const approvalRequestEventSchema = z.object({
  ...conversationEnvelope,
  type: z.literal('approval_request'),
  data: z.object({ toolUseId: z.string().min(1), toolName: z.string().min(1), input: jsonValueSchema }),
});

export const approvalDecisionSchema = z.enum(['allow', 'deny']);
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

export const approvalResolvedEventSchema = z.object({
  ...conversationEnvelope,
  type: z.literal('approval_resolved'),
  data: z.object({ toolUseId: z.string().min(1), decision: approvalDecisionSchema }),
});

/** Tokens used by one model call of a turn. */
export const usageEventSchema = z.object({
  ...conversationEnvelope,
  type: z.literal('usage'),
  data: usageSchema,
});

export type TurnStartEvent = z.infer<typeof turnStartEventSchema>;
export type TurnEndEvent = z.infer<typeof turnEndEventSchema>;
export type ActivityEvent = z.infer<typeof activityEventSchema>;
export type ApprovalRequestEvent = z.infer<typeof approvalRequestEventSchema>;
export type ApprovalResolvedEvent = z.infer<typeof approvalResolvedEventSchema>;
export type UsageEvent = z.infer<typeof usageEventSchema>;
export type TurnEvent =
  | TurnStartEvent
  | TurnEndEvent
  | ActivityEvent
  | ApprovalRequestEvent
  | ApprovalResolvedEvent
  | UsageEvent;
