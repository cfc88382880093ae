import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Every statement the SQLite event log runs, prepared once per connection. */
export interface SqliteStatements {
  /** `(kind, name)` → `{ key }` of an existing stream. */
  readonly findStream: StatementSync;
  /** `(kind, name)` → `{ key }` of a new stream. */
  readonly insertStream: StatementSync;
  /** `(stream)` → `{ head }`: the last indexed offset of a stream, null when none is indexed. */
  readonly indexedHead: StatementSync;
  /** `(stream, messageId)` → `{ key, firstOffset }` of a known message. */
  readonly findMessage: StatementSync;
  /** `(stream, messageId, firstOffset, sentAs)` → `{ key }` of a new message; `sentAs` null but on a user message sent with a clientMessageId. */
  readonly insertMessage: StatementSync;
  /** `(stream, sentAs)` → `{ messageId }` of the user message sent with that clientMessageId. */
  readonly findSentMessage: StatementSync;
  /** `(stream, afterOffset, limit)` → `[firstOffset, positions]` of the runs holding offsets after `afterOffset`, in order. */
  readonly readRuns: StatementSync;
  /** `(positions as a JSON array)` → `[position, envelope]` of those log rows that exist, in position order. */
  readonly readLog: StatementSync;
  /** `()` → `[position, stream, envelope]` of every log row not indexed yet, oldest first. */
  readonly loadUnindexed: StatementSync;
  /** `(stream, lastOffset, firstOffset, positions)` → a new run. */
  readonly insertRun: StatementSync;
  /** `(position)`: every log row up to `position` is indexed. */
  readonly setMark: StatementSync;
  /** `()` → `{ position }` of the mark. */
  readonly mark: StatementSync;
  /** `(positions as a JSON array)`: deletes those log rows (compaction). */
  readonly deleteLog: StatementSync;
  /** `(envelope, position)`: stores a new envelope at a log row (compaction marks the event after a removed run). */
  readonly rewriteLog: StatementSync;
}

/** Prepares the statements against a database set up by `prepareSqliteDatabase`. */
export function prepareSqliteStatements(database: DatabaseSync): SqliteStatements {
  const readRuns = database.prepare(
    'SELECT first_offset, positions FROM runs WHERE stream = ? AND last_offset > ? ORDER BY last_offset LIMIT ?',
  );
  const readLog = database.prepare(
    'SELECT position, envelope FROM log WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position',
  );
  const loadUnindexed = database.prepare(
    'SELECT position, stream, envelope FROM log WHERE position > (SELECT position FROM log_mark) ORDER BY position',
  );
  // Arrays instead of objects: a catch-up read creates one row per event.
  for (const statement of [readRuns, readLog, loadUnindexed]) statement.setReturnArrays(true);
  return {
    findStream: database.prepare('SELECT key FROM streams WHERE kind = ? AND name = ?'),
    insertStream: database.prepare('INSERT INTO streams (kind, name) VALUES (?, ?) RETURNING key'),
    indexedHead: database.prepare('SELECT max(last_offset) AS head FROM runs WHERE stream = ?'),
    findMessage: database.prepare(
      'SELECT key, first_offset AS firstOffset FROM messages WHERE stream = ? AND message_id = ?',
    ),
    insertMessage: database.prepare(
      'INSERT INTO messages (stream, message_id, first_offset, sent_as) VALUES (?, ?, ?, ?) RETURNING key',
    ),
    findSentMessage: database.prepare('SELECT message_id AS messageId FROM messages WHERE stream = ? AND sent_as = ?'),
    readRuns,
    readLog,
    loadUnindexed,
    // A clash on (stream, last_offset) is not ignored: it means another writer touched
    // the file, and fails the round.
    insertRun: database.prepare('INSERT INTO runs (stream, last_offset, first_offset, positions) VALUES (?, ?, ?, ?)'),
    setMark: database.prepare('UPDATE log_mark SET position = ?'),
    mark: database.prepare('SELECT position FROM log_mark'),
    deleteLog: database.prepare('DELETE FROM log WHERE position IN (SELECT value FROM json_each(?))'),
    rewriteLog: database.prepare('UPDATE log SET envelope = ? WHERE position = ?'),
  };
}
