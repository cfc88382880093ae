import { type ConversationId, conversationIdSchema } from '@once/protocol';

/**
 * The Once conversation a chat talks in: `configured` when given, else the chat's id.
 * @throws Error when that is no Once conversation id (a UUIDv7), saying what to do.
 */
export function conversationIdOf(chatId: string, configured: string | undefined): ConversationId {
  const candidate = configured ?? chatId;
  const parsed = conversationIdSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  throw new Error(
    configured === undefined
      ? `The chat id "${chatId}" is no Once conversation id (a UUIDv7): pass the conversation's id as useChat({ id }), or give OnceChatTransport a conversationId.`
      : `The conversationId "${configured}" given to OnceChatTransport is no Once conversation id (a UUIDv7).`,
  );
}
