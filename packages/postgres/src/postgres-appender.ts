import { type StreamKey, streamId, streamName } from '@once/log';
import postgres, { type Sql } from 'postgres';
import { callAppendFunction } from './postgres-append-function.ts';
import { FENCED_OUT, HEAD_MOVED } from './postgres-append-function-definition.ts';
import { notifyHeads } from './postgres-append-statements.ts';
import { type CommittedBatch, commitCarefully, type PendingAppend, warn } from './postgres-careful-batch.ts';
import { type PlacedBatch, placeFunctionBatch } from './postgres-function-batch.ts';
import type { KnownStream } from './postgres-known-streams.ts';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

export type { CommittedBatch, PendingAppend } from './postgres-careful-batch.ts';

/** PostgreSQL's error code of a unique index refusing a row: here, `messages`' key (a message stored before). */
const UNIQUE_VIOLATION = '23505';
/** PostgreSQL's error code of a transaction it failed to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';
/** Errors of the append function after which the careful path writes the batch; nothing of it was stored. */
const REFUSED_BY_FUNCTION: ReadonlySet<string> = new Set([FENCED_OUT, HEAD_MOVED, UNIQUE_VIOLATION, DEADLOCK_DETECTED]);
/** Times the careful path is tried when PostgreSQL breaks a deadlock by failing it. */
const CAREFUL_ATTEMPTS = 3;

/**
 * Writes batches of appends, one PostgreSQL transaction each. Other daemons write the
 * same tables, so what this daemon keeps in memory of a stream (its row key, which never
 * changes, and a {@link KnownStream}: its head and its messages' highest seqs) holds only
 * while the stream's head is where its last batch left it, which every write checks.
 *
 * Once this log knows each stream of a batch and no event of it may be stored already,
 * the batch is one round trip: a call of the schema's append function, which moves the
 * heads from the ones this daemon expects and stores the rows as sent, then the
 * notification of the new heads (docs/decisions/029 and 039). Otherwise (a stream's first
 * batch here, a head another daemon moved, a fenced-out append, a message first met that
 * was stored before, an event at or below its block's highest seq, a user message sent
 * with a clientMessageId) the batch is the transaction below, the careful path.
 *
 * The careful transaction is in postgres-careful-batch.ts.
 *
 * NOTIFY is kept out of the append transaction because PostgreSQL serialises the commits
 * of every transaction that notifies, fsync included (a database-wide lock, taken just
 * before commit and held until it is done): with it inside, batches on two connections or
 * two daemons could not share a WAL flush, and neither more lanes nor more daemons
 * appended more (docs/decisions/018-postgresql-appends-in-parallel.md). The notifying
 * transaction commits with `synchronous_commit = off`: it writes nothing worth keeping.
 */
export class PostgresAppender {
  readonly #sql: Sql;
  /** Connections of the append batches: they keep the plans of their statements. */
  readonly #appendSql: Sql;
  readonly #names: SchemaNames;
  readonly #instance: string;
  readonly #keys = new Map<string, number>();
  /** What this daemon's last committed batch of each stream left, by row key. */
  readonly #known = new Map<number, KnownStream>();
  /** Counts batches, for the token that tells the notifying statement its batch committed. */
  #batches = 0;

  /**
   * @param sql Connections for reads (a stream's key), which plan each statement afresh.
   * @param appendSql Connections for the batches, which keep their statements' plans
   * (`plan_cache_mode = auto`); the transaction below plans afresh again.
   * @param instance Identifies this log in its notifications, so it can skip its own.
   */
  constructor(sql: Sql, appendSql: Sql, names: SchemaNames, instance: string) {
    this.#sql = sql;
    this.#appendSql = appendSql;
    this.#names = names;
    this.#instance = instance;
  }

  /** The row key of a stream, or undefined when no append ever created it. */
  async streamKey(stream: StreamKey): Promise<number | undefined> {
    const id = streamId(stream);
    const cached = this.#keys.get(id);
    if (cached !== undefined) return cached;
    const { kind, name } = streamName(stream);
    const [row] = await this.#sql.unsafe<{ key: string }[]>(
      `SELECT key FROM ${this.#names.streams} WHERE kind = $1 AND name = $2`,
      [kind, name],
      PREPARED,
    );
    if (row === undefined) return undefined;
    this.#keys.set(id, Number(row.key));
    return Number(row.key);
  }

  /**
   * Writes the appends in one transaction, in order: in one call of the schema's append
   * function when it can (see the class), else, or when the function refuses the batch
   * (it then stores nothing), the careful way.
   * @throws the database error; the transaction is rolled back and nothing of the batch is stored.
   */
  async commit(appends: readonly PendingAppend[]): Promise<CommittedBatch> {
    const placed = placeFunctionBatch(appends, { keys: this.#keys, streams: this.#known });
    let movedElsewhere: ReadonlySet<number> = new Set();
    if (placed !== undefined) {
      try {
        return await this.#callFunction(placed);
      } catch (error) {
        if (!(error instanceof postgres.PostgresError && REFUSED_BY_FUNCTION.has(error.code))) throw error;
        if (error.code === HEAD_MOVED) movedElsewhere = new Set(error.detail?.split(',').map(Number));
      }
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#careful(appends, movedElsewhere);
      } catch (error) {
        const deadlocked = error instanceof postgres.PostgresError && error.code === DEADLOCK_DETECTED;
        if (!deadlocked || attempt === CAREFUL_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * The batch in one round trip: the function's call (its own transaction) and, pipelined
   * after it, the notification of the new heads, sent only if it committed.
   */
  async #callFunction(placed: PlacedBatch): Promise<CommittedBatch> {
    this.#batches += 1;
    const token = `${this.#instance}:${this.#batches}`;
    const connection = await this.#appendSql.reserve();
    try {
      // Sent together, in this order, in one pipeline; each is a transaction of its own.
      const call = callAppendFunction(connection, this.#names, placed.batch, token).execute();
      const notified = notifyHeads(connection, this.#names, this.#instance, placed.notices, token)
        .execute()
        .catch(warn);
      try {
        await call;
      } finally {
        await notified;
      }
    } finally {
      connection.release();
    }
    this.#keep(placed.known);
    return { results: placed.results, notices: placed.notices };
  }

  /**
   * One careful transaction of the batch (postgres-careful-batch.ts); `movedElsewhere`: the row keys
   * of streams the append function found moved by another daemon.
   */
  async #careful(appends: readonly PendingAppend[], movedElsewhere: ReadonlySet<number>): Promise<CommittedBatch> {
    this.#batches += 1;
    const context = {
      names: this.#names,
      instance: this.#instance,
      keys: this.#keys,
      known: this.#known,
      movedElsewhere,
      token: `${this.#instance}:${this.#batches}`,
    };
    const connection = await this.#appendSql.reserve();
    try {
      const { committed, known } = await commitCarefully(connection, context, appends);
      this.#keep(known);
      return committed;
    } finally {
      connection.release();
    }
  }

  /** Keeps what a committed batch left of its streams. */
  #keep(known: ReadonlyMap<number, KnownStream>): void {
    for (const [key, stream] of known) {
      stream.settle();
      this.#known.set(key, stream);
    }
  }
}
