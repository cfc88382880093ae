import { z } from 'zod';
import { chatIdSchema, conversationIdSchema } from './ids.ts';

/** A conversation's metadata, as listed and as carried by account-stream events. */
export const conversationSchema = z.object({
  id: conversationIdSchema,
  title: z.string().max(200),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The AI SDK chat id it was created for, when that is not its own id (see `chatIdSchema`). */
  chatId: chatIdSchema.optional(),
});
export type Conversation = z.infer<typeof conversationSchema>;
