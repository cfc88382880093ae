import type { DatabaseSync } from 'node:sqlite';

/**
 * How hard SQLite works to keep a commit through a crash. Both keep the database
 * consistent whatever happens; they differ in what a power loss can take back.
 *
 * - `normal`: in WAL mode a commit appends to the write-ahead log and returns without
 *   fsync; the log is synced at each checkpoint. A committed append survives the
 *   process being killed (`kill -9`, a crash, an exception), because the write already
 *   reached the operating system. A power loss or kernel crash may roll back the last
 *   transactions before the most recent checkpoint: they vanish whole, never in part.
 * - `full`: every commit also fsyncs the write-ahead log, so a commit survives a power
 *   loss too, at the cost of one fsync per group commit.
 */
export type SqliteSynchronous = 'normal' | 'full';

/** The layout version this code writes, kept in `PRAGMA user_version`. */
const SCHEMA_VERSION = 2;

/**
 * The layout of version 1, chosen by measurement
 * (docs/decisions/001-sqlite-event-log-schema.md): events clustered by (stream, offset)
 * so a catch-up read walks consecutive pages; integer keys for streams and messages so
 * the keys and the idempotency index stay small; the idempotency index covers
 * message-scoped events only.
 */
const VERSION_1 = `
CREATE TABLE streams (
  key INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE (kind, name)
);
CREATE TABLE messages (
  key INTEGER PRIMARY KEY,
  stream INTEGER NOT NULL REFERENCES streams (key),
  message_id TEXT NOT NULL,
  UNIQUE (stream, message_id)
);
CREATE TABLE events (
  stream INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  message INTEGER,
  block_index INTEGER,
  seq INTEGER,
  envelope TEXT NOT NULL,
  PRIMARY KEY (stream, offset)
) WITHOUT ROWID;
CREATE UNIQUE INDEX events_identity ON events (message, block_index, seq) WHERE message IS NOT NULL;
`;

/**
 * What version 2 adds (see the revision in decision 001): the tail, where appends land,
 * keyed by a global sequence only, so that a transaction writes at one end of one tree
 * whatever the number of streams it touches; and the merge marks. A merge round copies
 * the tail into `events` one stream at a time, marking in the same transaction the last
 * offset copied of that stream; copied rows stay in the tail, ignored, until the round
 * ends by deleting them and the marks at once. A version-1 file becomes version 2 with
 * an empty tail: its `events` are all merged.
 */
const VERSION_2 = `
CREATE TABLE tail (
  position INTEGER PRIMARY KEY,
  stream INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  message INTEGER,
  block_index INTEGER,
  seq INTEGER,
  envelope TEXT NOT NULL
);
CREATE TABLE merge_marks (
  stream INTEGER PRIMARY KEY,
  offset INTEGER NOT NULL
);
`;

/**
 * Sets the connection up (WAL, durability, cache), creates the tables on a new database
 * and migrates a version-1 file.
 * @throws Error when the file was written by a newer layout this code does not know.
 */
export function prepareSqliteDatabase(database: DatabaseSync, synchronous: SqliteSynchronous): void {
  database.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'};
    -- 64 MiB instead of 2: interleaved streams touch many pages per transaction.
    PRAGMA cache_size = -65536;
  `);
  const { user_version: version } = database.prepare('PRAGMA user_version').get() as { user_version: number };
  if (version === SCHEMA_VERSION) return;
  if (version !== 0 && version !== 1) {
    throw new Error(`The event log file has layout version ${version}; this version of Once reads ${SCHEMA_VERSION}.`);
  }
  const missing = version === 0 ? VERSION_1 + VERSION_2 : VERSION_2;
  database.exec(`BEGIN IMMEDIATE; ${missing}; PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT;`);
}
