import type { DatabaseSync } from 'node:sqlite';
import { migrateToLayout3, migrateToLayout4, migrateToLayout5 } from './sqlite-migration.ts';

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
export const SCHEMA_VERSION = 5;

/**
 * The tables of layout 3 (docs/decisions/001-sqlite-event-log-schema.md): every event
 * is written once, to `log`, at the end of one tree keyed by a global position, whatever
 * the number of streams a transaction touches. `runs` is the index that finds a
 * stream's events: a row per stream per indexing round, listing the positions of its
 * events from `first_offset` to `last_offset`. The log rows beyond `log_mark.position`
 * are not indexed yet; the writing process holds them in memory and indexes them in
 * rounds. Streams and messages have integer keys; a message row remembers the offset
 * of its first event, where a look-up of its older events starts.
 */
export const LAYOUT_3 = `
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
  first_offset INTEGER,
  UNIQUE (stream, message_id)
);
CREATE TABLE log (
  position INTEGER PRIMARY KEY,
  stream INTEGER NOT NULL,
  envelope TEXT NOT NULL
);
CREATE TABLE runs (
  stream INTEGER NOT NULL,
  last_offset INTEGER NOT NULL,
  first_offset INTEGER NOT NULL,
  positions TEXT NOT NULL,
  PRIMARY KEY (stream, last_offset)
) WITHOUT ROWID;
CREATE TABLE log_mark (
  only INTEGER PRIMARY KEY CHECK (only = 1),
  position INTEGER NOT NULL
);
INSERT INTO log_mark (only, position) VALUES (1, 0);
`;

/**
 * Layout 4: layout 3 plus `snapshots`, each stream's latest folded state at one offset
 * (docs/decisions/016-persisted-snapshots.md). A cache of the log: deleting a row loses
 * nothing but the time to fold the stream again.
 */
export const SNAPSHOTS_TABLE = `
CREATE TABLE snapshots (
  stream INTEGER PRIMARY KEY REFERENCES streams (key),
  offset INTEGER NOT NULL,
  summary TEXT NOT NULL,
  state TEXT NOT NULL
);
`;

/**
 * Layout 5: layout 4 plus each user message's `clientMessageId` on its `messages` row,
 * unique per stream (docs/decisions/038-one-user-message-per-client-message-id.md): a
 * stream holds one user message per clientMessageId.
 */
export const SENT_AS = {
  column: 'ALTER TABLE messages ADD COLUMN sent_as TEXT;',
  index: 'CREATE UNIQUE INDEX messages_sent_as ON messages (stream, sent_as) WHERE sent_as IS NOT NULL;',
} as const;

/**
 * Sets the connection up (WAL, durability, cache), creates the tables on a new database
 * and migrates a file of an earlier layout.
 * @throws Error when the file was written by a newer layout this code does not know.
 */
export function prepareSqliteDatabase(database: DatabaseSync, synchronous: SqliteSynchronous): void {
  const { user_version: version } = database.prepare('PRAGMA user_version').get() as { user_version: number };
  // Only a new file can take it, and only before anything is written to it, WAL mode
  // included: compaction then gives the pages it frees back to the file system
  // (docs/decisions/021-compaction.md).
  if (version === 0) database.exec('PRAGMA auto_vacuum = INCREMENTAL');
  database.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'};
    -- 64 MiB instead of 2: catch-up reads of interleaved streams touch many pages.
    PRAGMA cache_size = -65536;
  `);
  if (version === SCHEMA_VERSION) return;
  if (version === 0) {
    database.exec(
      `BEGIN IMMEDIATE; ${LAYOUT_3}; ${SNAPSHOTS_TABLE}; ${SENT_AS.column} ${SENT_AS.index} PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT;`,
    );
    return;
  }
  if (version === 1 || version === 2) migrateToLayout3(database, version);
  if (version >= 1 && version <= 3) migrateToLayout4(database, SNAPSHOTS_TABLE);
  if (version >= 1 && version <= 4) {
    migrateToLayout5(database, SENT_AS);
    return;
  }
  throw new Error(`The event log file has layout version ${version}; this version of Once reads ${SCHEMA_VERSION}.`);
}
