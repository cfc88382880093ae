import type { ConversationClient } from '@once/client';
import { alternativesOf, currentPath } from '@once/core';
import { isOnceError, type MessageId } from '@once/protocol';
import type { SeededRandom } from './seeded-random.ts';

/** One branch switch a torture user asked for, and how it ended. */
export interface BranchSwitch {
  /** The alternative switched to. */
  readonly messageId: MessageId;
  /**
   * `accepted`: the daemon appended `branch_selected`. `refused`: `409 conflict`, a turn
   * ran. `rejected`: another 4xx, a bug (the user only pages to messages it was shown).
   * `failed`: the client gave up retrying. `pending`: not ended yet.
   */
  outcome: 'pending' | 'accepted' | 'refused' | 'rejected' | 'failed';
  /** Why, for a rejected or failed one. */
  error?: string;
}

/**
 * Pages to another answer or question, as a person pressing "‹" or "›": picks a message
 * of the current path that has alternatives, and switches to one of the others. Retried
 * through faults by the client; a switch sent twice shows the same branch. Does nothing
 * when the path has no alternatives.
 */
export async function switchBranch(
  conversation: ConversationClient,
  random: SeededRandom,
  switches: BranchSwitch[],
): Promise<void> {
  const state = conversation.store.getSnapshot();
  const branching = currentPath(state).filter((message) => alternativesOf(state, message.id).ids.length > 1);
  if (branching.length === 0) return;
  const { ids, index } = alternativesOf(state, random.pick(branching).id);
  const entry: BranchSwitch = {
    messageId: random.pick(ids.filter((_, each) => each !== index)),
    outcome: 'pending',
  };
  switches.push(entry);
  try {
    await conversation.selectBranch(entry.messageId);
    entry.outcome = 'accepted';
  } catch (error) {
    const refusal = isOnceError(error) && error.status < 500 ? error : undefined;
    entry.outcome = refusal === undefined ? 'failed' : refusal.code === 'conflict' ? 'refused' : 'rejected';
    if (entry.outcome !== 'refused') entry.error = (error as Error).message;
  }
}
