import type { EventLog } from '@once/log';
import { isOnceError } from '@once/protocol';
import type { AccountDirectory } from './account-directory.ts';

/** What one retention pass did. */
export interface RetentionPass {
  /** Conversations deleted and removed from the log. */
  readonly conversations: number;
  /** Events removed with them. */
  readonly removed: number;
}

/**
 * Expires conversations (retention): in every conversation of the given accounts whose
 * last event (or, for one without events, its creation) is older than the cutoff and in
 * which no turn runs, deletes the conversation as `DELETE /v1/conversations/:id` does,
 * then removes its events from the log.
 *
 * @param remove Deletes a conversation for its account (the service's `delete`).
 * @param running Whether a turn runs in the conversation now.
 */
export function createConversationExpiry(
  log: EventLog,
  accounts: AccountDirectory,
  remove: (accountId: string, conversationId: string) => Promise<void>,
  running: (conversationId: string) => Promise<boolean>,
) {
  const lastActivity = async (conversationId: string, createdAt: string): Promise<number> => {
    const stream = { stream: 'conversation', conversationId } as const;
    const head = await log.head(stream);
    if (head === 0) return Date.parse(createdAt);
    const [last] = await log.read(stream, (head - 1) as never, 1);
    return last === undefined ? Date.parse(createdAt) : Date.parse(last.ts);
  };

  return {
    /** Runs one pass, expiring what was last active at or before `before` (ms since the epoch). */
    async expire(accountIds: readonly string[], before: number): Promise<RetentionPass> {
      let conversations = 0;
      let removed = 0;
      for (const accountId of accountIds) {
        const list = await accounts.list(accountId);
        for (const { id, createdAt } of list.conversations) {
          if ((await lastActivity(id, createdAt)) > before || (await running(id))) continue;
          try {
            await remove(accountId, id);
          } catch (error) {
            // Another daemon sharing the log expired it first.
            if (!(isOnceError(error) && error.code === 'conversation_not_found')) throw error;
          }
          removed += (await log.removeStream({ stream: 'conversation', conversationId: id })).removed;
          conversations += 1;
        }
      }
      return { conversations, removed };
    },
  };
}
