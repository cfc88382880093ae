import type { ConversationHead, EventLog, SnapshotStore } from '@once/log';
import type { ConversationId } from '@once/protocol';
import type { AccountDirectory } from './account-directory.ts';
import { mayHoldOpenWork, scanOpenWork } from './open-work-scan.ts';
import type { SnapshotWriter } from './snapshot-writer.ts';
import type { TurnDispatcher } from './turn-dispatcher.ts';

/** What a recovery did: conversations looked at, messages closed as interrupted, turns queued again. */
export interface RecoveryResult {
  readonly conversations: number;
  readonly interrupted: number;
  readonly requeued: number;
}

/** What {@link recoverConversations} reads and wakes. */
export interface RecoverySources {
  readonly log: EventLog;
  readonly snapshots: SnapshotStore | undefined;
  readonly accounts: AccountDirectory;
  readonly turns: TurnDispatcher;
  readonly writer: SnapshotWriter | undefined;
}

/**
 * Finds the conversations of the accounts that a crash left with open work (a message
 * still streaming, a user message never answered) and wakes their turns, which close and
 * re-queue them when no live daemon holds their lease. Every conversation's head and
 * snapshot summary come in one read (decision 025): most were left with nothing open and
 * need no query of their own.
 */
export async function recoverConversations(
  sources: RecoverySources,
  accountIds: readonly string[],
): Promise<RecoveryResult> {
  const { log, snapshots, accounts, turns, writer } = sources;
  let conversations = 0;
  let interrupted = 0;
  let requeued = 0;
  const heads = snapshots === undefined ? undefined : await conversationHeadsById(snapshots);
  for (const accountId of accountIds) {
    const list = await accounts.list(accountId);
    for (const { id } of list.conversations) {
      conversations += 1;
      if (heads !== undefined && !mayHoldOpenWork(heads.get(id))) continue;
      // Tell by the stored snapshot's open work and the event types after it, without folding.
      const scan = await scanOpenWork(log, snapshots, id as ConversationId);
      if (scan.read > 0) writer?.noteUnsaved(id as ConversationId, scan.read);
      if (!scan.open) continue;
      // Recovered only when no live daemon holds its lease: a peer's running turn is left alone.
      const result = await turns.wake(id as ConversationId);
      interrupted += result.interrupted;
      requeued += result.queued;
    }
  }
  return { conversations, interrupted, requeued };
}

async function conversationHeadsById(snapshots: SnapshotStore): Promise<Map<string, ConversationHead>> {
  return new Map((await snapshots.conversationHeads()).map((head) => [head.conversationId, head]));
}
