import type { AnyEventEnvelope, Offset } from '@once/protocol';

/**
 * Names one stream of the log: a conversation's events, or an account's conversation
 * list. Each stream has its own offsets 1, 2, 3, …
 */
export type StreamKey =
  | {
      readonly stream: 'conversation';
      /** The conversation whose events the stream holds. */
      readonly conversationId: string;
    }
  | {
      readonly stream: 'account';
      /** The account whose conversation list the stream holds. */
      readonly accountId: string;
    };

/**
 * An event as a writer hands it to the log: a full envelope without `offset`, which the
 * log assigns at commit. Its `stream` (and `conversationId` on a conversation stream)
 * must match the {@link StreamKey} it is appended to.
 */
export type EventDraft = Omit<AnyEventEnvelope, 'offset'>;

/**
 * An event as the log stored it: the appended envelope, as JSON gives it back, with its
 * offset as the first field. Every read of the same offset returns an equal value.
 */
export type StoredEvent = AnyEventEnvelope;

/** A stored event as the JSON text the log holds for it, with its offset and type read off. */
export interface StoredEntry {
  readonly offset: number;
  readonly type: string;
  /** The envelope as stored (offset first): what a reader can send on without serializing again. */
  readonly json: string;
  /**
   * The same envelope as an object, when the log has it at hand without parsing `json`:
   * in the commit notices and append results of events this process appended (the log
   * keeps the appended draft's fields; see {@link EventLog.append}). Read-only. Absent
   * on events read back from storage.
   */
  readonly event?: StoredEvent;
}

/** What a commit listener learns: a stream whose head moved, and the new head. */
export interface CommitNotice {
  /** The stream that received events. */
  readonly stream: StreamKey;
  /** The offset of the stream's last event once the transaction committed. */
  readonly head: Offset;
  /**
   * The events the transaction added to the stream, in offset order, ending at `head`,
   * when the log has them at hand (its own commits), so that a listener following the
   * stream need not read them back. Absent when it has not: a commit another process
   * made, announced by PostgreSQL.
   */
  readonly entries?: readonly StoredEntry[];
}

/** Options of {@link EventLog.append}. */
export interface AppendOptions {
  /**
   * The owner id of a conversation lease (`ConversationLeases.owner`) that must still
   * hold the conversation when the append commits: a turn's writes carry it, so that a
   * daemon which stalled past its lease while a peer took the conversation over cannot
   * write into it any more. Checked in the append's transaction by a log that several
   * processes write (PostgreSQL, against its lease table, whose row it holds until the
   * commit so that a takeover waits for it); ignored by one that a single process writes
   * (SQLite), where nobody else can hold the conversation.
   */
  readonly fence?: string;
}

/** What {@link EventLog.compact} did. */
export interface CompactionResult {
  /** Events removed. */
  readonly removed: number;
}

/** Called after a transaction committed, once per stream whose head moved. */
export type CommitListener = (notice: CommitNotice) => void;

/**
 * The durable, append-only log every event of Once goes through. Offsets are per stream,
 * start at 1 and have no gaps; an event is visible to readers only once it is durably
 * committed. Implementations: `@once/sqlite` (the embedded default) and `@once/postgres`
 * (several daemons on one database); both run `describeEventLogConformance` from
 * `@once/testing`.
 */
export interface EventLog {
  /**
   * Appends events to one stream, atomically and in order, and resolves once they are
   * committed. Appends made while another is pending may share its transaction (group
   * commit); offsets of a stream follow the order in which `append` was called.
   *
   * Idempotent: a message-scoped draft (one with `messageId`, `blockIndex` and `seq`)
   * whose identity the stream already holds, or that appears earlier in the same call,
   * is not stored again; its place in the result holds the entry stored first, with
   * that event's offset.
   *
   * One user message per clientMessageId: an append holding a user message's
   * `message_open` with a `clientMessageId` that the stream already holds for another
   * message (earlier, or earlier in the same transaction) is refused whole, so that a send
   * retried through two daemons at once cannot store the message twice, whatever their
   * locks did. The same message appended again (its own id) is the idempotent case above.
   *
   * @returns One stored entry per draft, in the order of `drafts`: the event's offset,
   *   type and stored JSON text, equal to what {@link readEntries} returns for that
   *   offset. Entries, not parsed events, because writers need the offsets and rarely the
   *   rest: parsing each event back would cost about as much as storing it
   *   (`JSON.parse(entry.json)` gives the event). A log may keep the drafts' own values
   *   for {@link StoredEntry.event}: a caller must not change a draft once appended.
   * @throws OnceError `invalid_event` when a draft does not belong to `stream` or cannot
   *   be stored as JSON; `unavailable` once the log is closed; `conflict` when
   *   `options.fence` no longer holds the conversation (nothing of this append is stored;
   *   the appends sharing its transaction are); `conflict` when it opens a user message
   *   with a clientMessageId the stream holds for another message (likewise). When the transaction fails, every append
   *   in it is rejected and none of their events is stored.
   */
  append(stream: StreamKey, drafts: readonly EventDraft[], options?: AppendOptions): Promise<readonly StoredEntry[]>;

  /**
   * Reads committed events of a stream in offset order, starting after `afterOffset`.
   * A stream that holds nothing yet reads as empty. A page holds `limit` events unless the
   * stream ends first: where {@link compact} removed events, the offsets skip them, and
   * the page goes on with the events that remain.
   *
   * @param afterOffset The offset of the last event the caller has; 0 reads from the start.
   * @param limit The most events to return; at least 1.
   */
  read(stream: StreamKey, afterOffset: Offset, limit: number): Promise<readonly StoredEvent[]>;

  /**
   * Like {@link read}, but each event as its stored JSON text with its offset and type,
   * so a reader that forwards events (SSE) neither parses nor serializes them.
   */
  readEntries(stream: StreamKey, afterOffset: Offset, limit: number): Promise<readonly StoredEntry[]>;

  /**
   * Compacts completed messages of a conversation stream (docs/decisions/021-compaction.md):
   * for each listed message whose `message_complete` the stream holds, removes its
   * `block_open`, `block_delta` and `block_close` events, and stores `previousOffset` in
   * the event after each removed run. Every other event, every offset and the head stay as
   * they were, so a reader at any cursor continues without a gap. A message that is not
   * complete, unknown, listed twice or compacted already changes nothing. Storage freed
   * this way is given back to the file system where the log can (SQLite: incremental
   * vacuum on files created with it; PostgreSQL: autovacuum).
   *
   * A message's block events are never appended again once compacted: callers compact only
   * messages whose writers finished long ago (`--compact-after`).
   *
   * @returns How many events were removed.
   * @throws OnceError `invalid_request` for an account stream; `unavailable` once closed.
   */
  compact(stream: StreamKey, messageIds: readonly string[]): Promise<CompactionResult>;

  /**
   * Removes every event of a conversation stream, as retention does for a conversation
   * that expired (after its deletion was recorded in the account stream). The head stays
   * where it was, so offsets are never reused; reads return nothing any more, and the
   * stream's stored snapshot (`SnapshotStore`) is deleted with it. The storage is given
   * back as {@link compact} gives it back.
   *
   * @returns How many events were removed.
   * @throws OnceError `invalid_request` for an account stream; `unavailable` once closed.
   */
  removeStream(stream: StreamKey): Promise<CompactionResult>;

  /** The offset of the stream's last committed event; 0 for a stream that holds nothing. */
  head(stream: StreamKey): Promise<Offset>;

  /**
   * Registers a listener called after each commit, once per stream whose head moved.
   * By the time it runs, the new events are readable, so a reader woken by it can read
   * from its last offset. The listener must not throw; if it does, the error surfaces as
   * an uncaught exception without disturbing the log or other listeners.
   *
   * @returns A function that unregisters the listener.
   */
  onCommit(listener: CommitListener): () => void;

  /**
   * Commits every pending append, then releases the storage. Appends made after `close`
   * was called are rejected with `unavailable`.
   */
  close(): Promise<void>;
}
