import { type ConversationId, chatIdSchema, OnceError } from '@once/protocol';
import type { AccountDirectory } from '@once/server';
import { z } from 'zod';

/**
 * What `conversationIdSchema` accepts (a UUIDv7), as a test: most chat ids are not one
 * (useChat's are 16 letters and digits), and a schema's failure builds an error to throw
 * away, once a request.
 */
const UUID_V7 = z.core.regexes.uuid(7);

/**
 * The conversation an AI SDK chat id names in the account:
 *
 * - the id of one of the account's conversations names that conversation (an app that
 *   creates conversations through Once and passes their ids to `useChat({ id })`);
 * - any other id (useChat's default ids are 16 letters and digits; a UUID the account has
 *   no conversation with is one too) is the `chatId` alias of a conversation created with
 *   a fresh id when new. A chat id never claims a conversation id the account does not
 *   already own: conversation streams are global, so that would let one account read
 *   another's conversation whose id it learned.
 *
 * With `create: false` an unknown chat is `conversation_not_found`.
 * @throws OnceError `invalid_request` for an id no chat can have; `conversation_not_found`.
 */
export async function resolveChat(
  accounts: AccountDirectory,
  accountId: string,
  chatId: string,
  options: { readonly create: boolean },
): Promise<ConversationId> {
  if (UUID_V7.test(chatId)) {
    const { conversations } = await accounts.list(accountId);
    const conversation = conversations.find((entry) => entry.id === chatId);
    if (conversation !== undefined) return conversation.id;
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
