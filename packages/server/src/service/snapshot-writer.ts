import type { ConversationState } from '@once/core';
import type { EventLog, SnapshotStore } from '@once/log';
import type { ConversationId } from '@once/protocol';
import { toStoredSnapshot } from './snapshot-record.ts';

/** Default of {@link SnapshotWriterOptions.every}. */
export const SNAPSHOT_EVERY = 1_000;

/** Options of {@link createSnapshotWriter}. */
export interface SnapshotWriterOptions {
  readonly log: EventLog;
  readonly snapshots: SnapshotStore;
  /** The conversation's state up to the log's head (`ConversationStates.current`). */
  readonly current: (conversationId: ConversationId) => Promise<ConversationState>;
  /** Events a conversation gains beyond its stored snapshot before a new one is saved. Default 1000. */
  readonly every?: number;
  /** Called with a save that failed; the conversation is saved again after more events. */
  readonly onError: (error: unknown) => void;
}

/**
 * Saves conversations' snapshots in the background as they grow. A commit listener only
 * counts each conversation's events not in its stored snapshot; once they reach `every`,
 * the conversation is queued, and a single loop saves queued conversations one at a time
 * from the event loop, after appends returned: an append never waits for a snapshot,
 * and a conversation queued many times is saved once. A save that fails is reported and
 * changes nothing: the stored snapshot is only a shortcut through the log.
 */
export interface SnapshotWriter {
  /**
   * Tells the writer that `events` events of the conversation are beyond its stored
   * snapshot, as a cold read or the start-up scan found: a conversation that took that
   * long to read is saved so that the next one does not.
   */
  noteUnsaved(conversationId: ConversationId, events: number): void;
  /** Drops what the writer knows of a deleted conversation: it saves no snapshot of it any more. */
  forget(conversationId: ConversationId): void;
  /**
   * Stops listening, drops what is queued, and saves every conversation that gained
   * events through this daemon since its last save, so a restart reads none of them.
   */
  close(): Promise<void>;
}

export function createSnapshotWriter(options: SnapshotWriterOptions): SnapshotWriter {
  const every = options.every ?? SNAPSHOT_EVERY;
  /** Per conversation: events believed beyond its stored snapshot. */
  const unsaved = new Map<ConversationId, number>();
  /** Conversations that gained events through this daemon since their last save. */
  const committed = new Set<ConversationId>();
  /** Conversations to save, in the order they reached `every`. */
  const queue = new Set<ConversationId>();
  let draining: Promise<void> | undefined;
  let closed = false;

  const save = async (conversationId: ConversationId) => {
    // Reset first: events committed while this save runs count toward the next one.
    unsaved.delete(conversationId);
    committed.delete(conversationId);
    try {
      const state = await options.current(conversationId);
      if (state.offset === 0) return;
      await options.snapshots.saveSnapshot({ stream: 'conversation', conversationId }, toStoredSnapshot(state));
    } catch (error) {
      options.onError(
        new Error(`Saving the snapshot of conversation ${conversationId} failed; it is saved again later.`, {
          cause: error,
        }),
      );
    }
  };

  const drain = async () => {
    for (;;) {
      // Yield first: the save runs after the appends and reads waiting in the event loop.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const next = queue.values().next();
      if (next.done || closed) return;
      queue.delete(next.value);
      await save(next.value);
    }
  };

  const count = (conversationId: ConversationId, events: number, atLeast: boolean) => {
    const total = atLeast
      ? Math.max(unsaved.get(conversationId) ?? 0, events)
      : (unsaved.get(conversationId) ?? 0) + events;
    unsaved.set(conversationId, total);
    if (total < every || closed) return;
    queue.add(conversationId);
    draining ??= drain().finally(() => {
      draining = undefined;
    });
  };

  const stopListening = options.log.onCommit((notice) => {
    // Commits of other daemons sharing the log (no entries) are theirs to snapshot.
    if (notice.stream.stream !== 'conversation' || notice.entries === undefined) return;
    const conversationId = notice.stream.conversationId as ConversationId;
    committed.add(conversationId);
    count(conversationId, notice.entries.length, false);
  });

  return {
    noteUnsaved(conversationId, events) {
      count(conversationId, events, true);
    },
    forget(conversationId) {
      unsaved.delete(conversationId);
      committed.delete(conversationId);
      queue.delete(conversationId);
    },
    async close() {
      if (closed) return;
      closed = true;
      stopListening();
      queue.clear();
      await draining;
      for (const conversationId of [...committed]) await save(conversationId);
    },
  };
}
