import type { ConversationId, Offset } from '@once/protocol';
import type { StreamKey } from './event-log.ts';

/**
 * A stream's folded state at one offset, as its writer serialized it: what a reader
 * starts from instead of offset 0, reading only the events after `offset`.
 */
export interface StoredSnapshot {
  /** The offset of the last event folded into the state; at least 1, at most the stream's head. */
  readonly offset: Offset;
  /** The state as JSON text. The store keeps it as given and never parses it. */
  readonly state: string;
  /**
   * A short JSON text read without the state, for readers that need to know a little
   * about many streams at once (the server keeps there the work a crash would leave
   * open, so that start-up never parses states).
   */
  readonly summary: string;
}

/** The summary part of a {@link StoredSnapshot}, without its state. */
export type SnapshotSummary = Omit<StoredSnapshot, 'state'>;

/** A conversation's head beside its latest snapshot's offset and summary: see {@link SnapshotStore.conversationHeads}. */
export interface ConversationHead {
  readonly conversationId: ConversationId;
  /** The offset of the conversation's last committed event. */
  readonly head: Offset;
  /** Its latest snapshot's offset and summary; undefined when none was saved. */
  readonly snapshot: SnapshotSummary | undefined;
}

/**
 * Where folded states of streams are kept beside the log, one per stream: the latest one
 * saved. A snapshot is a cache of the log, never the truth: a reader that finds none (or
 * one it cannot use) folds the stream from offset 0 and reaches the same state. Kept
 * apart from {@link EventLog} because a log is complete without it. Implementations: the
 * SQLite and PostgreSQL logs, both run `describeSnapshotStoreConformance` from
 * `@once/testing`.
 */
export interface SnapshotStore {
  /**
   * Keeps `snapshot` as the stream's latest, unless the store holds one at the same or a
   * higher offset already (then nothing changes): a snapshot is only ever replaced by one
   * at a higher offset, so writers racing each other cannot take the state back.
   *
   * @returns Whether `snapshot` was kept.
   * @throws OnceError `invalid_request` when `snapshot.offset` is not a whole number from
   *   1 to the stream's head; `unavailable` once the log is closed.
   */
  saveSnapshot(stream: StreamKey, snapshot: StoredSnapshot): Promise<boolean>;

  /** The stream's latest snapshot; undefined when none was saved. */
  latestSnapshot(stream: StreamKey): Promise<StoredSnapshot | undefined>;

  /** The offset and summary of the stream's latest snapshot, without reading its state. */
  latestSnapshotSummary(stream: StreamKey): Promise<SnapshotSummary | undefined>;

  /**
   * Every conversation stream that holds an event, with its head and its latest
   * snapshot's offset and summary, read in one query, without any state: what start-up
   * reads to tell which conversations a crash may have left open (only those whose head
   * is beyond their snapshot, or whose summary names open work, need their events read),
   * instead of two queries per stored conversation. In no particular order.
   * @throws OnceError `unavailable` once the log is closed.
   */
  conversationHeads(): Promise<readonly ConversationHead[]>;
}
