import { z } from 'zod';
import { conversationIdSchema } from './ids.ts';

/** A conversation's metadata, as listed and as carried by account-stream events. */
export const conversationSchema = z.object({
  id: conversationIdSchema,
  title: z.string().max(200),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Conversation = z.infer<typeof conversationSchema>;
