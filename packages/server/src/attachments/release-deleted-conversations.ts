import type { AttachmentStore } from '@once/log';
import { OnceError } from '@once/protocol';

/**
 * Releases the attachments held by conversations the log no longer has: deleting a
 * conversation appends its deletion first and releases its references after, so a daemon
 * that stopped between (killed, crashed, a failed release) left them behind, and so does a
 * message sent while its conversation was being deleted. A conversation's id is never
 * used again: one the log does not have cannot come back.
 * @param find Looks the conversation up in the account, up to date with the log; throws
 *   `OnceError` `conversation_not_found` when the account does not have it.
 * @returns How many conversations' references were released.
 */
export async function releaseDeletedConversations(
  store: AttachmentStore,
  find: (account: string, conversation: string) => Promise<unknown>,
): Promise<number> {
  let released = 0;
  for await (const { account, conversation } of store.referencingConversations()) {
    try {
      await find(account, conversation);
      continue;
    } catch (error) {
      if (!(error instanceof OnceError && error.code === 'conversation_not_found')) throw error;
    }
    await store.release(account, conversation);
    released += 1;
  }
  return released;
}
