import { randomUUID } from 'node:crypto';
import {
  type AppendOptions,
  type CommitListener,
  type CompactionResult,
  type ConversationHead,
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
  streamId,
  streamIdOf,
  streamName,
  toStoredEntry,
} from '@once/log';
import { type Offset, OnceError, toOffset } from '@once/protocol';
import type { Sql } from 'postgres';
import { CommitFanout } from './commit-fanout.ts';
import { commitPayloadPrefix, decodeCommitPayload } from './commit-payload.ts';
import { type CommittedBatch, type PendingAppend, PostgresAppender } from './postgres-appender.ts';
import { compactPostgresStream } from './postgres-compactor.ts';
import { PostgresReadBatch } from './postgres-read-batch.ts';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';
import { PostgresSnapshots } from './postgres-snapshots.ts';

/**
 * The {@link EventLog} on PostgreSQL, with its {@link SnapshotStore} in the same schema.
 * Create it with `openPostgresEventLog` (open-postgres-event-log.ts).
 */
export class PostgresEventLog implements EventLog, SnapshotStore {
  readonly #sql: Sql;
  /** The connections of append batches, one per batch in flight. */
  readonly #appendSql: Sql;
  readonly #names: SchemaNames;
  /** Tags this log's notifications, so that it skips its own when they come back. */
  readonly #instance = randomUUID();
  readonly #appender: PostgresAppender;
  readonly #fanout = new CommitFanout();
  readonly #snapshots: PostgresSnapshots;
  readonly #reads: PostgresReadBatch;
  readonly #groupCommit: GroupCommit<PendingAppend, readonly StoredEntry[]>;
  #closing: Promise<void> | undefined;
  /** Set once close() starts ending the connections. */
  #ended = false;

  /** @internal Use `openPostgresEventLog`, which prepares the schema and listens first. */
  constructor(
    pools: { readonly reads: Sql; readonly appends: Sql },
    names: SchemaNames,
    options: GroupCommitOptions & { readonly batchesInFlight?: number; readonly minOverlapSize?: number },
  ) {
    const sql = pools.reads;
    this.#sql = sql;
    this.#appendSql = pools.appends;
    this.#names = names;
    this.#appender = new PostgresAppender(sql, pools.appends, names, this.#instance);
    this.#snapshots = new PostgresSnapshots(sql, names);
    this.#reads = new PostgresReadBatch(sql, names);
    this.#groupCommit = new GroupCommit<PendingAppend, readonly StoredEntry[]>(
      (appends) => this.#commit(appends),
      options,
      {
        lanes: options.batchesInFlight ?? 1,
        keyOf: (append) => streamId(append.stream),
        minOverlapSize: options.minOverlapSize ?? 1,
      },
    );
  }

  /** @internal Starts listening for other daemons' commits; `openPostgresEventLog` calls it. */
  async listen(): Promise<void> {
    let listened = false;
    const own = commitPayloadPrefix(this.#instance);
    // postgres.js keeps a connection of its own for LISTEN, and LISTENs again after
    // losing it; `onlisten` runs after every LISTEN, the first one included.
    await this.#sql.listen(
      this.#names.channel,
      (text) => {
        // Its own, told to its listeners at commit already: skipped before parsing.
        if (text.startsWith(own)) return;
        const payload = decodeCommitPayload(text);
        if (payload === undefined || payload.from === this.#instance) return;
        for (const notice of payload.notices) this.#fanout.announce(notice);
      },
      () => {
        if (listened) {
          this.#catchUp().catch((error: unknown) => {
            process.emitWarning(error instanceof Error ? error : String(error), 'OnceEventLogWarning');
          });
        }
        listened = true;
      },
    );
  }

  /**
   * After listening resumed on a new connection: reads the heads of the streams this log
   * announced before, and announces those that moved meanwhile, so that readers waiting
   * on them are not left asleep by a notification nobody received.
   */
  async #catchUp(): Promise<void> {
    if (this.#ended) return;
    const known = this.#fanout.announced();
    if (known.length === 0) return;
    const names = known.map((notice) => streamName(notice.stream));
    const rows = await this.#sql.unsafe<{ kind: string; name: string; head: string }[]>(
      `SELECT kind, name, head FROM ${this.#names.streams}
       WHERE (kind, name) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [names.map((name) => name.kind), names.map((name) => name.name)],
      PREPARED,
    );
    const byId = new Map(known.map((notice) => [streamId(notice.stream), notice]));
    for (const row of rows) {
      const notice = byId.get(streamIdOf(row.kind, row.name));
      if (notice !== undefined) this.#fanout.announce({ stream: notice.stream, head: Number(row.head) as Offset });
    }
  }

  /** {@inheritDoc EventLog.append} */
  async append(
    stream: StreamKey,
    drafts: readonly EventDraft[],
    options?: AppendOptions,
  ): Promise<readonly StoredEntry[]> {
    if (this.#closing) throw closedError();
    const prepared: PendingAppend = {
      stream,
      drafts: drafts.map((draft, index) => prepareDraft(stream, draft, index)),
      fence: options?.fence,
    };
    if (prepared.drafts.length === 0) return [];
    return this.#groupCommit.submit(prepared, prepared.drafts.length);
  }

  /** {@inheritDoc EventLog.read} */
  async read(stream: StreamKey, afterOffset: Offset, limit: number): Promise<readonly StoredEvent[]> {
    return (await this.#readEnvelopes(stream, afterOffset, limit)).map((json) => JSON.parse(json) as StoredEvent);
  }

  /** {@inheritDoc EventLog.readEntries} */
  async readEntries(stream: StreamKey, afterOffset: Offset, limit: number): Promise<readonly StoredEntry[]> {
    return (await this.#readEnvelopes(stream, afterOffset, limit)).map(toStoredEntry);
  }

  async #readEnvelopes(stream: StreamKey, afterOffset: Offset, limit: number): Promise<string[]> {
    this.#assertOpen();
    const after = toOffset(afterOffset);
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new OnceError('invalid_request', `limit must be a whole number of 1 or more, got ${limit}.`);
    }
    const key = await this.#appender.streamKey(stream);
    if (key === undefined) return [];
    return this.#reads.read(key, after, limit);
  }

  /** {@inheritDoc EventLog.compact} */
  async compact(stream: StreamKey, messageIds: readonly string[]): Promise<CompactionResult> {
    this.#assertOpen();
    if (stream.stream !== 'conversation') {
      throw new OnceError('invalid_request', 'Only conversation streams hold messages to compact.');
    }
    const key = await this.#appender.streamKey(stream);
    if (key === undefined) return { removed: 0 };
    return { removed: await compactPostgresStream(this.#sql, this.#names, key, messageIds) };
  }

  /** {@inheritDoc EventLog.removeStream} */
  async removeStream(stream: StreamKey): Promise<CompactionResult> {
    this.#assertOpen();
    if (stream.stream !== 'conversation') {
      throw new OnceError('invalid_request', 'Only conversation streams expire; an account stream is kept.');
    }
    const key = await this.#appender.streamKey(stream);
    if (key === undefined) return { removed: 0 };
    // The streams row (and its head) stays: offsets are never reused. The stored snapshot,
    // the record of its sent messages and its messages' first offsets go.
    return this.#sql.begin(async (transaction) => {
      await transaction.unsafe(`DELETE FROM ${this.#names.snapshots} WHERE stream = $1`, [key], PREPARED);
      await transaction.unsafe(`DELETE FROM ${this.#names.sentMessages} WHERE stream = $1`, [key], PREPARED);
      await transaction.unsafe(`DELETE FROM ${this.#names.messages} WHERE stream = $1`, [key], PREPARED);
      const result = await transaction.unsafe(`DELETE FROM ${this.#names.events} WHERE stream = $1`, [key], PREPARED);
      return { removed: result.count };
    });
  }

  /** {@inheritDoc EventLog.head} */
  async head(stream: StreamKey): Promise<Offset> {
    this.#assertOpen();
    const key = await this.#appender.streamKey(stream);
    if (key === undefined) return 0 as Offset;
    const [row] = await this.#sql.unsafe<{ head: string }[]>(
      `SELECT head FROM ${this.#names.streams} WHERE key = $1`,
      [key],
      PREPARED,
    );
    return Number(row?.head ?? 0) as Offset;
  }

  /** {@inheritDoc SnapshotStore.saveSnapshot} */
  async saveSnapshot(stream: StreamKey, snapshot: StoredSnapshot): Promise<boolean> {
    if (this.#closing) throw closedError();
    // A head only grows: an offset within it now stays within it.
    checkSnapshotOffset(snapshot.offset, await this.head(stream));
    const key = (await this.#appender.streamKey(stream)) as number;
    return this.#snapshots.save(key, snapshot);
  }

  /** {@inheritDoc SnapshotStore.latestSnapshot} */
  async latestSnapshot(stream: StreamKey): Promise<StoredSnapshot | undefined> {
    this.#assertOpen();
    const key = await this.#appender.streamKey(stream);
    return key === undefined ? undefined : this.#snapshots.latest(key);
  }

  /** {@inheritDoc SnapshotStore.latestSnapshotSummary} */
  async latestSnapshotSummary(stream: StreamKey): Promise<SnapshotSummary | undefined> {
    this.#assertOpen();
    const key = await this.#appender.streamKey(stream);
    return key === undefined ? undefined : this.#snapshots.summary(key);
  }

  /** {@inheritDoc SnapshotStore.conversationHeads} */
  async conversationHeads(): Promise<readonly ConversationHead[]> {
    this.#assertOpen();
    return this.#snapshots.conversationHeads();
  }

  /** {@inheritDoc EventLog.onCommit} */
  onCommit(listener: CommitListener): () => void {
    return this.#fanout.add(listener);
  }

  /** {@inheritDoc EventLog.close} */
  close(): Promise<void> {
    // Ending the pool ends the listening connection too; no UNLISTEN, which would wait
    // for a connection when the database is gone.
    this.#closing ??= this.#groupCommit.flush().finally(() => {
      this.#ended = true;
      // Seconds to let reads in flight finish before their connections are cut.
      return Promise.all([this.#sql.end({ timeout: 5 }), this.#appendSql.end({ timeout: 5 })]).then(() => undefined);
    });
    return this.#closing;
  }

  /** Lets `await using log = await openPostgresEventLog(…)` close the log at the end of a scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #commit(appends: readonly PendingAppend[]): Promise<(readonly StoredEntry[] | OnceError)[]> {
    const batch: CommittedBatch = await this.#appender.commit(appends);
    // After COMMIT only: listeners read what they were told of.
    for (const notice of batch.notices) this.#fanout.announce(notice);
    return batch.results;
  }

  #assertOpen(): void {
    // Reads stay possible while close() flushes pending appends, as with SQLite.
    if (this.#ended) throw closedError();
  }
}

function closedError(): OnceError {
  return new OnceError('unavailable', 'The event log is closed; open it again to append or read.');
}
