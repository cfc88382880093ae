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
import postgres, { type Sql } from 'postgres';
import { CommitFanout } from './commit-fanout.ts';
import { commitPayloadPrefix, decodeCommitPayload } from './commit-payload.ts';
import { splitDatabaseUrl } from './database-url.ts';
import { type CommittedBatch, type PendingAppend, PostgresAppender } from './postgres-appender.ts';
import { compactPostgresStream } from './postgres-compactor.ts';
import { PostgresReadBatch } from './postgres-read-batch.ts';
import { DEFAULT_SCHEMA, PREPARED, preparePostgresSchema, type SchemaNames, schemaNames } from './postgres-schema.ts';
import { PostgresSnapshots } from './postgres-snapshots.ts';

/** Options of {@link openPostgresEventLog}. */
export interface PostgresEventLogOptions extends GroupCommitOptions {
  /**
   * `postgres://user:password@host:port/database`. A `schema` query parameter
   * (`?schema=once_eu`) names the PostgreSQL schema of the log's tables; it is removed
   * before the URL reaches the driver. Other query parameters are the driver's
   * (`sslmode`, `connect_timeout`, …).
   */
  readonly url: string;
  /**
   * PostgreSQL schema holding the log's tables, created on first open: lower-case
   * letters, digits and `_`, at most 54. Wins over the URL's `schema` parameter.
   * Default: the URL's `schema` parameter, else `once`.
   */
  readonly schema?: string;
  /**
   * Most connections the log opens for appends and reads, besides the one that listens
   * for other daemons' commits. Appends use `batchesInFlight` of them, one per batch in
   * flight, and reads the rest (at least one). Default: 10.
   */
  readonly maxConnections?: number;
  /**
   * Most append batches (transactions) in flight at once, each on a connection of its
   * own and over streams no other batch in flight holds, so each stream's appends still
   * commit in order. 1 commits one batch at a time. At most `maxConnections`.
   * Default: {@link BATCHES_IN_FLIGHT}.
   */
  readonly batchesInFlight?: number;
  /**
   * The fewest queued events that start an append batch beside one in flight (and the
   * smallest share when free connections split what is queued); fewer wait for a batch
   * in flight to end. Each batch costs work of its own on both sides (about a millisecond
   * of CPU each on a loaded 2-core machine), so a higher value makes fewer, larger batches
   * at the cost of their overlap. 1: any. Default: 1
   * (docs/decisions/036-postgresql-append-levers.md).
   */
  readonly minOverlapSize?: number;
  /**
   * How long, in ms, PostgreSQL lets a transaction of this log sit open between two of
   * its statements before it ends the session (`idle_in_transaction_session_timeout`).
   * An append never pauses that long; a daemon frozen in the middle of one (a paused VM,
   * SIGSTOP) would otherwise keep its streams' rows and lease rows locked, and no other
   * daemon could append to those conversations or take them over until it woke. The
   * frozen daemon's append then fails when it wakes, storing nothing. Default: 5000.
   */
  readonly idleInTransactionTimeoutMs?: number;
}

/**
 * Default of {@link PostgresEventLogOptions.batchesInFlight}
 * (docs/decisions/018-postgresql-appends-in-parallel.md).
 */
export const BATCHES_IN_FLIGHT = 2;

/** Default of {@link PostgresEventLogOptions.idleInTransactionTimeoutMs}. */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 5_000;

/**
 * Opens an event log in a PostgreSQL database, creating its schema and tables when
 * missing (docs/decisions/004-postgresql-event-log.md). Several daemons may open the same
 * schema and append to the same streams: offsets stay gapless and unique, and each log's
 * commit listeners also hear of the other daemons' commits, through LISTEN/NOTIFY.
 * @throws Error when the database cannot be reached or holds a newer layout.
 */
export async function openPostgresEventLog(options: PostgresEventLogOptions): Promise<PostgresEventLog> {
  const { url, schema: fromUrl } = splitDatabaseUrl(options.url);
  const names = schemaNames(options.schema ?? fromUrl ?? DEFAULT_SCHEMA);
  const maxConnections = options.maxConnections ?? 10;
  const batchesInFlight = options.batchesInFlight ?? Math.min(BATCHES_IN_FLIGHT, maxConnections);
  if (!Number.isSafeInteger(batchesInFlight) || batchesInFlight < 1 || batchesInFlight > maxConnections) {
    throw new RangeError(
      `batchesInFlight must be a whole number from 1 to maxConnections (${maxConnections}), got ${batchesInFlight}.`,
    );
  }
  const idleInTransaction = options.idleInTransactionTimeoutMs ?? IDLE_IN_TRANSACTION_TIMEOUT_MS;
  const sql = postgres(url, {
    max: Math.max(1, maxConnections - batchesInFlight),
    // Schema creation says "already exists, skipping" at each open; that is expected.
    onnotice: () => {},
    connection: {
      application_name: 'once',
      // Plan each statement for the table as it is now. A cached generic plan is made once
      // per connection, often while the tables are still empty, and then keeps a plan for
      // an empty table (seen: the identity lookup taking 13 s a batch at 170,000 events,
      // 2 ms when planned afresh). Planning these statements costs ~0.2 ms.
      plan_cache_mode: 'force_custom_plan',
      idle_in_transaction_session_timeout: idleInTransaction,
    },
  });
  // The append connections keep their plans: the append function's call and the
  // notifying statement touch no table, and a custom plan of the call copies the whole
  // batch, which past 128 kB costs PostgreSQL about as much again as receiving it
  // (docs/decisions/036-postgresql-append-levers.md). The transaction of the careful
  // path, which reads the tables, plans afresh (`SET LOCAL` inside it); the insert of
  // missing stream rows before it has one plan whatever the table holds.
  const appendSql = postgres(url, {
    max: batchesInFlight,
    onnotice: () => {},
    connection: {
      application_name: 'once',
      plan_cache_mode: 'auto',
      idle_in_transaction_session_timeout: idleInTransaction,
    },
  });
  try {
    await preparePostgresSchema(sql, names);
    const log = new PostgresEventLog({ reads: sql, appends: appendSql }, names, { ...options, batchesInFlight });
    await log.listen();
    return log;
  } catch (error) {
    await Promise.all([sql.end({ timeout: 1 }), appendSql.end({ timeout: 1 })]);
    throw error;
  }
}

/**
 * The {@link EventLog} on PostgreSQL, with its {@link SnapshotStore} in the same schema.
 * Create it with {@link openPostgresEventLog}.
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
  readonly #groupCommit: GroupCommit<PendingAppend, readonly StoredEntry[] | OnceError>;
  #closing: Promise<void> | undefined;
  /** Set once close() starts ending the connections. */
  #ended = false;

  /** @internal Use {@link openPostgresEventLog}, which prepares the schema and listens first. */
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
    this.#groupCommit = new GroupCommit((appends) => this.#commit(appends), options, {
      lanes: options.batchesInFlight ?? 1,
      keyOf: (append) => streamId(append.stream),
      minOverlapSize: options.minOverlapSize ?? 1,
    });
  }

  /** @internal Starts listening for other daemons' commits; {@link openPostgresEventLog} calls it. */
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
    const result = await this.#groupCommit.submit(prepared, prepared.drafts.length);
    if (result instanceof OnceError) throw result;
    return result;
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
    // The streams row (and its head) stays: offsets are never reused. The stored snapshot goes.
    return this.#sql.begin(async (transaction) => {
      await transaction.unsafe(`DELETE FROM ${this.#names.snapshots} WHERE stream = $1`, [key], PREPARED);
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
