import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout } from 'node:timers/promises';
import {
  type CommitListener,
  type CompactionResult,
  type ConversationHead,
  callCommitListener,
  checkSnapshotOffset,
  type EventDraft,
  type EventLog,
  GroupCommit,
  type GroupCommitOptions,
  prepareDraft,
  type SnapshotStore,
  type SnapshotSummary,
  type StoredEntry,
  type StoredEvent,
  type StoredSnapshot,
  type StreamKey,
  toStoredEntry,
} from '@once/log';
import { type Offset, OnceError, toOffset } from '@once/protocol';
import type { EventTail } from './event-tail.ts';
import { loadSqliteTail } from './load-sqlite-tail.ts';
import { type CommittedBatch, type PendingAppend, SqliteAppender } from './sqlite-appender.ts';
import { type CheckpointOptions, SqliteCheckpointer } from './sqlite-checkpointer.ts';
import { compactSqliteStream, removeSqliteStream } from './sqlite-compactor.ts';
import { prepareSqliteDatabase, type SqliteSynchronous } from './sqlite-schema.ts';
import { SqliteSnapshots } from './sqlite-snapshots.ts';
import { prepareSqliteStatements, type SqliteStatements } from './sqlite-statements.ts';
import { type LogRow, readStreamEnvelopes, readStreamRows } from './sqlite-stream-reader.ts';
import { SqliteTailIndexer, type TailIndexOptions } from './sqlite-tail-indexer.ts';
import { retryWhileLocked } from './sqlite-write-lock.ts';
import { toStorageError } from './storage-error.ts';

/** One list of stored entries per append of a batch. */
type CommitResults = (readonly StoredEntry[] | OnceError)[];

/** Options of {@link openSqliteEventLog}. */
export interface SqliteEventLogOptions extends GroupCommitOptions, TailIndexOptions, CheckpointOptions {
  /** Path of the database file; created with its tables when missing. */
  readonly path: string;
  /**
   * Durability of a commit (see {@link SqliteSynchronous}): `normal` survives the process
   * being killed, `full` also a power loss. Default: `normal`.
   */
  readonly synchronous?: SqliteSynchronous;
}

/**
 * Opens (or creates) an event log in a SQLite file: WAL mode, group commit, offsets and
 * idempotency as {@link EventLog} describes. Each event is written once, to an
 * append-only table; the events not indexed yet (the tail) are held in memory, and
 * indexed per stream in rounds (docs/decisions/001-sqlite-event-log-schema.md). One
 * process writes a file at a time: the tail in memory assumes it, and the primary key
 * of the index fails a round rather than let two writers interleave offsets.
 */
export function openSqliteEventLog(options: SqliteEventLogOptions): SqliteEventLog {
  return new SqliteEventLog(options);
}

/**
 * The {@link EventLog} on `node:sqlite`, with its {@link SnapshotStore} in the same file.
 * Create it with {@link openSqliteEventLog}.
 */
export class SqliteEventLog implements EventLog, SnapshotStore {
  readonly #database: DatabaseSync;
  readonly #statements: SqliteStatements;
  readonly #tail: EventTail;
  readonly #appender: SqliteAppender;
  readonly #indexer: SqliteTailIndexer;
  readonly #checkpointer: SqliteCheckpointer;
  readonly #snapshots: SqliteSnapshots;
  readonly #groupCommit: GroupCommit<PendingAppend, readonly StoredEntry[]>;
  readonly #listeners = new Set<CommitListener>();
  /** Whether the file was created with `auto_vacuum = INCREMENTAL`, so compaction can shrink it. */
  readonly #incrementalVacuum: boolean;
  /** Where the file is, for errors that blame the storage under it. */
  readonly #directory: string;
  #closing: Promise<void> | undefined;

  /**
   * @throws OnceError `storage_full` or `storage_read_only` when the file cannot be
   * created or prepared for that reason; the SQLite error otherwise.
   */
  constructor(options: SqliteEventLogOptions) {
    this.#directory = dirname(options.path);
    try {
      this.#database = new DatabaseSync(options.path);
    } catch (error) {
      throw toStorageError(error, this.#directory);
    }
    try {
      prepareSqliteDatabase(this.#database, options.synchronous ?? 'normal');
      this.#statements = prepareSqliteStatements(this.#database);
      this.#tail = loadSqliteTail(this.#statements);
      this.#incrementalVacuum =
        (this.#database.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum === 2;
      this.#indexer = new SqliteTailIndexer(this.#database, this.#statements, this.#tail, options);
      this.#checkpointer = new SqliteCheckpointer(this.#database, options.path, options);
      this.#snapshots = new SqliteSnapshots(this.#database);
    } catch (error) {
      this.#database.close();
      throw toStorageError(error, this.#directory);
    }
    this.#appender = new SqliteAppender(this.#database, this.#statements, this.#tail);
    this.#groupCommit = new GroupCommit<PendingAppend, readonly StoredEntry[]>(
      (appends) => this.#commit(appends),
      options,
    );
  }

  /** {@inheritDoc EventLog.append} */
  append(stream: StreamKey, drafts: readonly EventDraft[]): Promise<readonly StoredEntry[]> {
    if (this.#closing) return Promise.reject(closedError());
    let prepared: PendingAppend;
    try {
      prepared = { stream, drafts: drafts.map((draft, index) => prepareDraft(stream, draft, index)) };
    } catch (error) {
      return Promise.reject(error);
    }
    if (prepared.drafts.length === 0) return Promise.resolve([]);
    return this.#groupCommit.submit(prepared, prepared.drafts.length);
  }

  /** {@inheritDoc EventLog.read} */
  async read(stream: StreamKey, afterOffset: Offset, limit: number): Promise<readonly StoredEvent[]> {
    return this.#readEnvelopes(stream, afterOffset, limit).map((json) => JSON.parse(json) as StoredEvent);
  }

  /** {@inheritDoc EventLog.readEntries} */
  async readEntries(stream: StreamKey, afterOffset: Offset, limit: number): Promise<readonly StoredEntry[]> {
    return this.#readEnvelopes(stream, afterOffset, limit).map(toStoredEntry);
  }

  #readEnvelopes(stream: StreamKey, afterOffset: Offset, limit: number): string[] {
    this.#assertOpen();
    const after = toOffset(afterOffset);
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new OnceError('invalid_request', `limit must be a whole number of 1 or more, got ${limit}.`);
    }
    const key = this.#appender.streamKey(stream);
    return key === undefined ? [] : readStreamEnvelopes(this.#statements, this.#tail, key, after, limit);
  }

  /** {@inheritDoc EventLog.compact} */
  compact(stream: StreamKey, messageIds: readonly string[]): Promise<CompactionResult> {
    return this.#removeEvents(stream, 'compacted', (key, readRows) =>
      compactSqliteStream(this.#database, this.#statements, readRows, key, messageIds),
    );
  }

  /** {@inheritDoc EventLog.removeStream} */
  removeStream(stream: StreamKey): Promise<CompactionResult> {
    return this.#removeEvents(stream, 'removed', (key, readRows) =>
      removeSqliteStream(this.#database, this.#statements, readRows, key),
    );
  }

  /**
   * Runs a removal (compaction or retention) on a conversation stream: indexes the
   * stream's tail first (the tail read back on open expects no holes), waits while
   * another connection holds the write lock, and gives the freed pages back. `remove`
   * returns how many events it removed, or `busy`.
   */
  async #removeEvents(
    stream: StreamKey,
    what: 'compacted' | 'removed',
    remove: (key: number, readRows: (after: number, limit: number) => LogRow[]) => number | 'busy',
  ): Promise<CompactionResult> {
    this.#assertOpen();
    if (stream.stream !== 'conversation') {
      throw new OnceError('invalid_request', 'Only conversation streams can have events compacted or removed.');
    }
    const key = this.#appender.streamKey(stream);
    if (key === undefined) return { removed: 0 };
    const removed = await retryWhileLocked(() => {
      if (this.#closing) throw closedError();
      try {
        if (this.#tail.firstOffset(key) !== undefined) this.#indexer.indexNow();
        if (this.#tail.firstOffset(key) !== undefined) return 'busy';
        return remove(key, (after, limit) => readStreamRows(this.#statements, this.#tail, key, after, limit));
      } catch (error) {
        throw toStorageError(error, this.#directory);
      }
    }, `nothing was ${what}. Try again later.`);
    if (removed > 0) this.#giveBackFreePages();
    return { removed };
  }

  /**
   * Returns the pages compaction freed to the file system, on a file created with
   * incremental auto-vacuum (every file this layout creates). An older file keeps them
   * for its next appends; nothing is lost either way, so a busy lock or an error here
   * only skips the shrink.
   */
  #giveBackFreePages(): void {
    if (!this.#incrementalVacuum) return;
    try {
      this.#database.exec('PRAGMA incremental_vacuum');
    } catch (error) {
      process.emitWarning(error instanceof Error ? error : String(error), 'OnceEventLogVacuumWarning');
    }
  }

  /** {@inheritDoc EventLog.head} */
  async head(stream: StreamKey): Promise<Offset> {
    this.#assertOpen();
    return this.#appender.head(stream);
  }

  /** {@inheritDoc SnapshotStore.saveSnapshot} */
  async saveSnapshot(stream: StreamKey, snapshot: StoredSnapshot): Promise<boolean> {
    if (this.#closing) throw closedError();
    checkSnapshotOffset(snapshot.offset, this.#appender.head(stream));
    const key = this.#appender.streamKey(stream) as number;
    try {
      return await this.#snapshots.save(key, snapshot);
    } catch (error) {
      throw toStorageError(error, this.#directory);
    }
  }

  /** {@inheritDoc SnapshotStore.latestSnapshot} */
  async latestSnapshot(stream: StreamKey): Promise<StoredSnapshot | undefined> {
    this.#assertOpen();
    const key = this.#appender.streamKey(stream);
    return key === undefined ? undefined : this.#snapshots.latest(key);
  }

  /** {@inheritDoc SnapshotStore.latestSnapshotSummary} */
  async latestSnapshotSummary(stream: StreamKey): Promise<SnapshotSummary | undefined> {
    this.#assertOpen();
    const key = this.#appender.streamKey(stream);
    return key === undefined ? undefined : this.#snapshots.summary(key);
  }

  /** {@inheritDoc SnapshotStore.conversationHeads} */
  async conversationHeads(): Promise<readonly ConversationHead[]> {
    this.#assertOpen();
    return this.#snapshots.conversationHeads((key) => this.#tail.lastOffset(key));
  }

  /** {@inheritDoc EventLog.onCommit} */
  onCommit(listener: CommitListener): () => void {
    // Wrapped so that the same function registered twice is called twice.
    const entry: CommitListener = (notice) => listener(notice);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** {@inheritDoc EventLog.close} */
  close(): Promise<void> {
    this.#closing ??= this.#groupCommit
      .flush()
      // The checkpoint thread first, so that nothing holds the write lock while the
      // last round indexes the tail.
      .finally(() => this.#checkpointer.close())
      .then(() => this.#indexAll())
      // The last connection to close checkpoints the whole write-ahead log and removes it.
      .finally(() => this.#database.close());
    return this.#closing;
  }

  /** Lets `await using log = openSqliteEventLog(…)` close the log at the end of a scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * A batch that fails because the disk is full or the file system read-only rejects
   * with `storage_full` or `storage_read_only`; the appender rolled it back whole, so the
   * next batch gets the offsets this one would have had. While another connection holds
   * the write lock (the checkpoint thread does for a few milliseconds when it restarts
   * the write-ahead log), the batch waits for it.
   */
  #commit(appends: readonly PendingAppend[]): CommitResults | Promise<CommitResults> {
    const results = this.#tryCommit(appends);
    if (results !== 'busy') return results;
    return setTimeout(1).then(() =>
      retryWhileLocked(
        () => this.#tryCommit(appends),
        'nothing of this append was stored. Only one process may write a log file; is another one writing it?',
      ),
    );
  }

  #tryCommit(appends: readonly PendingAppend[]): CommitResults | 'busy' {
    let batch: CommittedBatch | 'busy';
    try {
      batch = this.#appender.commit(appends);
    } catch (error) {
      throw toStorageError(error, this.#directory);
    }
    return batch === 'busy' ? 'busy' : this.#committed(batch);
  }

  #committed(batch: CommittedBatch): CommitResults {
    this.#indexer.afterCommit();
    this.#checkpointer.afterCommit(batch.bytes);
    this.#notify(batch);
    return batch.results;
  }

  #indexAll(): void {
    try {
      this.#indexer.indexAll();
    } catch (error) {
      // Nothing is lost: what was not indexed is read back into the tail on the next open.
      process.emitWarning(error instanceof Error ? error : String(error), 'OnceEventLogIndexWarning');
    }
  }

  #notify({ notices }: CommittedBatch): void {
    for (const notice of notices) for (const listener of this.#listeners) callCommitListener(listener, notice);
  }

  #assertOpen(): void {
    if (!this.#database.isOpen) throw closedError();
  }
}

function closedError(): OnceError {
  return new OnceError('unavailable', 'The event log is closed; open it again to append or read.');
}
