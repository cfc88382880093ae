import type { EventLog, SnapshotStore } from '@once/log';
import type { ConversationId } from '@once/protocol';
import { createConversationStates } from './conversation-states.ts';
import { toStoredSnapshot } from './snapshot-record.ts';

/**
 * Saves the snapshot of a conversation at the log's head, as a running daemon's
 * background writer does: folded from its stored snapshot (or offset 0) and the events
 * after it. For tools and benchmarks that write a log without a daemon and want it as a
 * daemon would have left it.
 * @returns The offset saved; 0 for a conversation that holds no events.
 */
export async function saveConversationSnapshot(
  log: EventLog,
  snapshots: SnapshotStore,
  conversationId: ConversationId,
): Promise<number> {
  const state = await createConversationStates(log, { snapshots, capacity: 1 }).current(conversationId);
  if (state.offset === 0) return 0;
  await snapshots.saveSnapshot({ stream: 'conversation', conversationId }, toStoredSnapshot(state));
  return state.offset;
}
