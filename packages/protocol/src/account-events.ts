import { z } from 'zod';
import { conversationSchema } from './conversation.ts';
import { accountEnvelope } from './event-envelope.ts';
import { conversationIdSchema } from './ids.ts';

export const conversationCreatedEventSchema = z.object({
  ...accountEnvelope,
  type: z.literal('conversation_created'),
  data: z.object({ conversation: conversationSchema }),
});

export const conversationUpdatedEventSchema = z.object({
  ...accountEnvelope,
  type: z.literal('conversation_updated'),
  data: z.object({ conversation: conversationSchema }),
});

export const conversationDeletedEventSchema = z.object({
  ...accountEnvelope,
  type: z.literal('conversation_deleted'),
  data: z.object({ conversationId: conversationIdSchema }),
});

export type ConversationCreatedEvent = z.infer<typeof conversationCreatedEventSchema>;
export type ConversationUpdatedEvent = z.infer<typeof conversationUpdatedEventSchema>;
export type ConversationDeletedEvent = z.infer<typeof conversationDeletedEventSchema>;
export type AccountEvent = ConversationCreatedEvent | ConversationUpdatedEvent | ConversationDeletedEvent;
