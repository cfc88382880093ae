import type { GroupCommitOptions } from '@once/log';
import postgres from 'postgres';
import { splitDatabaseUrl } from './database-url.ts';
import { PostgresEventLog } from './postgres-event-log.ts';
import { DEFAULT_SCHEMA, preparePostgresSchema, schemaNames } from './postgres-schema.ts';

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
