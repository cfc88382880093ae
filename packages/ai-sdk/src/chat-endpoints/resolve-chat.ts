import { type ConversationId, chatIdSchema, conversationIdSchema, OnceError } from '@once/protocol';
import type { AccountDirectory } from '@once/server';

/**
 * The conversation an AI SDK chat id names in the account:
 *
 * - a UUIDv7 is the conversation's own id (an app that created it through Once, or picks
 *   UUIDv7 chat ids), created with that id when new;
 * - anything else (useChat's default ids are 16 letters and digits) is the conversation's
 *   `chatId` alias, created with a new id when new.
 *
 * With `create: false` an unknown chat is `conversation_not_found`.
 * @throws OnceError `invalid_request` for an id no conversation can have; `conversation_not_found`.
 */
export async function resolveChat(
  accounts: AccountDirectory,
  accountId: string,
  chatId: string,
  options: { readonly create: boolean },
): Promise<ConversationId> {
  const own = conversationIdSchema.safeParse(chatId);
  if (own.success) {
    const conversation = options.create
      ? await accounts.ensure(accountId, own.data)
      : await accounts.get(accountId, own.data);
    return conversation.id;
  }
  const alias = chatIdSchema.safeParse(chatId);
  if (!alias.success) {
    throw new OnceError(
      'invalid_request',
      'The chat id must be 1–100 printable ASCII characters without spaces (useChat’s default ids are), or a conversation’s UUIDv7.',
    );
  }
  const conversation = options.create
    ? await accounts.ensureChat(accountId, chatId)
    : await accounts.findChat(accountId, chatId);
  if (conversation === undefined) {
    throw new OnceError('conversation_not_found', `There is no chat ${chatId} in this account.`);
  }
  return conversation.id;
}
