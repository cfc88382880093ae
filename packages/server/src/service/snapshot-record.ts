import { type ConversationState, fromSnapshot, snapshot } from '@once/core';
import type { SnapshotSummary, StoredSnapshot } from '@once/log';
import type { ConversationId, ConversationSnapshot } from '@once/protocol';
import { type OpenWork, openWorkOf } from './open-work.ts';

/**
 * The version of the fold a stored snapshot was made by. A release whose reducer folds
 * the same events into a different state raises it: snapshots of another version are
 * passed over (the conversation is folded from offset 0, and saved again), never mixed
 * with events folded by the new code.
 */
export const SNAPSHOT_FOLD_VERSION = 1;

/** The summary saved beside a snapshot: its fold version and its open work. */
interface Summary extends OpenWork {
  readonly fold: number;
}

/**
 * A conversation's state as the snapshot store keeps it: the state as the history
 * endpoint serves it (`snapshot(state)`, the same fold every client runs, at exactly
 * `state.offset`), and its open work as the summary.
 */
export function toStoredSnapshot(state: ConversationState): StoredSnapshot {
  const summary: Summary = { fold: SNAPSHOT_FOLD_VERSION, ...openWorkOf(state) };
  return { offset: state.offset, state: JSON.stringify(snapshot(state)), summary: JSON.stringify(summary) };
}

/**
 * The state a stored snapshot holds, or undefined when it cannot be used: text that is
 * not JSON, a state of another conversation or offset, another fold version. The caller
 * then folds from offset 0, as without a snapshot.
 */
export function fromStoredSnapshot(
  conversationId: ConversationId,
  stored: StoredSnapshot,
): ConversationState | undefined {
  if (summaryOf(stored) === undefined) return undefined;
  try {
    const parsed = JSON.parse(stored.state) as ConversationSnapshot;
    if (parsed.conversationId !== conversationId || parsed.offset !== stored.offset) return undefined;
    if (!Array.isArray(parsed.messages) || !Array.isArray(parsed.pendingApprovals)) return undefined;
    return fromSnapshot(parsed);
  } catch {
    return undefined;
  }
}

/** The open work a stored snapshot's summary names, or undefined when it cannot be used. */
export function openWorkOfSummary(stored: SnapshotSummary): OpenWork | undefined {
  return summaryOf(stored);
}

function summaryOf(stored: SnapshotSummary): Summary | undefined {
  try {
    const summary = JSON.parse(stored.summary) as Partial<Summary>;
    if (summary.fold !== SNAPSHOT_FOLD_VERSION) return undefined;
    if (!Array.isArray(summary.streaming) || !Array.isArray(summary.unanswered)) return undefined;
    if (summary.activeTurn !== undefined && typeof summary.activeTurn !== 'string') return undefined;
    return summary as Summary;
  } catch {
    return undefined;
  }
}
