import { DatabaseSync } from 'node:sqlite';
import { type Offset, OnceError, toOffset } from '@once/protocol';
import type {
  CommitListener,
  CommitNotice,
  EventDraft,
  EventLog,
  StoredEntry,
  StoredEvent,
  StreamKey,
} from './event-log.ts';
import type { EventTail } from './event-tail.ts';
import { GroupCommit, type GroupCommitOptions } from './group-commit.ts';
import { prepareDraft } from './prepare-draft.ts';
import { type CommittedBatch, type PendingAppend, SqliteAppender } from './sqlite-appender.ts';
import { prepareSqliteDatabase, type SqliteSynchronous } from './sqlite-schema.ts';
import { prepareSqliteStatements, type SqliteStatements } from './sqlite-statements.ts';
import { loadSqliteTail, SqliteTailMerger, type TailMergeOptions } from './sqlite-tail.ts';
import { toStoredEntry } from './stored-entry.ts';

/** Options of {@link openSqliteEventLog}. */
export interface SqliteEventLogOptions extends GroupCommitOptions, TailMergeOptions {
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
 * idempotency as {@link EventLog} describes. Appends land in an append-only tail that
 * memory mirrors; merges move it into a table clustered by (stream, offset)
 * (docs/decisions/001-sqlite-event-log-schema.md). One process writes a file at a time:
 * the tail in memory assumes it, and the primary key of the clustered table fails a
 * merge rather than let two writers interleave offsets.
 */
export function openSqliteEventLog(options: SqliteEventLogOptions): SqliteEventLog {
  return new SqliteEventLog(options);
}

/** The {@link EventLog} on `node:sqlite`. Create it with {@link openSqliteEventLog}. */
export class SqliteEventLog implements EventLog {
  readonly #database: DatabaseSync;
  readonly #statements: SqliteStatements;
  readonly #tail: EventTail;
  readonly #appender: SqliteAppender;
  readonly #merger: SqliteTailMerger;
  readonly #groupCommit: GroupCommit<PendingAppend, readonly StoredEvent[]>;
  readonly #listeners = new Set<CommitListener>();
  #closing: Promise<void> | undefined;

  constructor(options: SqliteEventLogOptions) {
    this.#database = new DatabaseSync(options.path);
    try {
      prepareSqliteDatabase(this.#database, options.synchronous ?? 'normal');
      this.#statements = prepareSqliteStatements(this.#database);
      this.#tail = loadSqliteTail(this.#statements);
      this.#merger = new SqliteTailMerger(this.#database, this.#statements, this.#tail, options);
    } catch (error) {
      this.#database.close();
      throw error;
    }
    this.#appender = new SqliteAppender(this.#database, this.#statements, this.#tail);
    this.#groupCommit = new GroupCommit((appends) => this.#commit(appends), options);
  }

  /** {@inheritDoc EventLog.append} */
  append(stream: StreamKey, drafts: readonly EventDraft[]): Promise<readonly StoredEvent[]> {
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
    if (key === undefined) return [];
    // Offsets before the stream's first tail event are merged, the others in the tail.
    const firstInTail = this.#tail.firstOffset(key) ?? Number.POSITIVE_INFINITY;
    const envelopes: string[] = [];
    if (after + 1 < firstInTail) {
      const rows = this.#statements.readMerged.all(key, after, limit) as unknown as [string][];
      for (const [envelope] of rows) envelopes.push(envelope);
    }
    if (envelopes.length < limit) {
      // Merged offsets are gapless, so the tail goes on right after the last one read.
      for (const envelope of this.#tail.read(key, after + envelopes.length, limit - envelopes.length)) {
        envelopes.push(envelope);
      }
    }
    return envelopes;
  }

  /** {@inheritDoc EventLog.head} */
  async head(stream: StreamKey): Promise<Offset> {
    this.#assertOpen();
    return this.#appender.head(stream);
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
      .then(() => this.#mergeAll())
      .finally(() => this.#database.close());
    return this.#closing;
  }

  /** Lets `await using log = openSqliteEventLog(…)` close the log at the end of a scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #commit(appends: readonly PendingAppend[]): (readonly StoredEvent[])[] {
    const batch = this.#appender.commit(appends);
    this.#merger.afterCommit();
    this.#notify(batch);
    return batch.results;
  }

  #mergeAll(): void {
    try {
      this.#merger.mergeAll();
    } catch (error) {
      // Nothing is lost: what was not merged stays in the tail and is merged later.
      process.emitWarning(error instanceof Error ? error : String(error), 'OnceEventLogMergeWarning');
    }
  }

  #notify({ notices }: CommittedBatch): void {
    for (const notice of notices) for (const listener of this.#listeners) callListener(listener, notice);
  }

  #assertOpen(): void {
    if (!this.#database.isOpen) throw closedError();
  }
}

function callListener(listener: CommitListener, notice: CommitNotice): void {
  try {
    listener(notice);
  } catch (error) {
    // A faulty listener must not fail a commit that already happened, nor starve the
    // other listeners; it still surfaces, as an uncaught exception.
    queueMicrotask(() => {
      throw error;
    });
  }
}

function closedError(): OnceError {
  return new OnceError('unavailable', 'The event log is closed; open it again to append or read.');
}
