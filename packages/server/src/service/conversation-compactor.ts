import type { EventLog } from '@once/log';
import type { ConversationId } from '@once/protocol';
import type { AccountDirectory } from './account-directory.ts';
import type { ConversationStates } from './conversation-states.ts';
import { isUnfoldable } from './unfoldable-conversation.ts';

/** Messages compacted per call of the log: keeps each of its transactions short. */
const MESSAGES_PER_CALL = 20;

/** What one compaction pass did. */
export interface CompactionPass {
  /** Conversations whose state was read (the others had not changed since the last pass). */
  readonly conversations: number;
  /** Messages handed to the log for compaction. */
  readonly messages: number;
  /** Events the log removed. */
  readonly removed: number;
}

/** What a pass remembers of a conversation, so that the next one skips it when nothing changed. */
interface Compacted {
  /** The stream's head when the pass read it. */
  readonly head: number;
  /** Messages opened at or before this time (ms) and complete then were compacted. */
  readonly through: number;
  /** Older messages still streaming then, to compact once complete. */
  readonly open: readonly string[];
  /** When the next complete message becomes old enough (ms); Infinity when none waits. */
  readonly nextDue: number;
}

/**
 * Compacts the completed messages opened before a cutoff in every conversation of the
 * given accounts (docs/decisions/021-compaction.md), a few messages per call of the log.
 * Remembers, per conversation, how far it got, so that a pass skips conversations that
 * neither grew nor have a message come of age; after a restart the first pass looks at
 * each conversation again, and compacting what is compacted already removes nothing.
 */
export function createConversationCompactor(log: EventLog, states: ConversationStates, accounts: AccountDirectory) {
  const progress = new Map<string, Compacted>();

  const compactConversation = async (conversationId: ConversationId, before: number) => {
    const stream = { stream: 'conversation', conversationId } as const;
    const head = await log.head(stream);
    const known = progress.get(conversationId);
    if (known !== undefined && known.head === head && known.nextDue > before && known.open.length === 0) {
      return undefined;
    }
    const state = await states.current(conversationId);
    // A log the fold stopped in is left as it is, for whoever repairs it.
    if (isUnfoldable(state)) return undefined;
    const { messages } = state;
    const through = known?.through ?? Number.NEGATIVE_INFINITY;
    const chosen: string[] = [];
    const open: string[] = [];
    let nextDue = Number.POSITIVE_INFINITY;
    for (const message of messages) {
      const openedAt = Date.parse(message.createdAt);
      if (openedAt > before) {
        if (message.status !== 'streaming') nextDue = Math.min(nextDue, openedAt);
        continue;
      }
      const waiting = known?.open.includes(message.id) === true;
      if (openedAt <= through && !waiting) continue;
      if (message.status === 'streaming') open.push(message.id);
      else chosen.push(message.id);
    }
    let removed = 0;
    for (let start = 0; start < chosen.length; start += MESSAGES_PER_CALL) {
      removed += (await log.compact(stream, chosen.slice(start, start + MESSAGES_PER_CALL))).removed;
    }
    progress.set(conversationId, { head, through: Math.max(through, before), open, nextDue });
    return { messages: chosen.length, removed };
  };

  return {
    /**
     * Runs one pass over every conversation of `accountIds`, compacting the completed
     * messages opened at or before `before` (ms since the epoch).
     */
    async compact(accountIds: readonly string[], before: number): Promise<CompactionPass> {
      let conversations = 0;
      let messages = 0;
      let removed = 0;
      for (const accountId of accountIds) {
        const list = await accounts.list(accountId);
        for (const { id } of list.conversations) {
          const done = await compactConversation(id, before);
          if (done === undefined) continue;
          conversations += 1;
          messages += done.messages;
          removed += done.removed;
        }
      }
      return { conversations, messages, removed };
    },
    /** Forgets a deleted conversation. */
    forget(conversationId: string): void {
      progress.delete(conversationId);
    },
  };
}
