import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Every statement the SQLite event log runs, prepared once per connection. */
export interface SqliteStatements {
  /** `(kind, name)` → `{ key }` of an existing stream. */
  readonly findStream: StatementSync;
  /** `(kind, name)` → `{ key }` of a new stream. */
  readonly insertStream: StatementSync;
  /** `(stream)` → `{ head }` of the merged events, null for a stream without any. */
  readonly mergedHead: StatementSync;
  /** `(stream, messageId)` → `{ key }` of a known message. */
  readonly findMessage: StatementSync;
  /** `(stream, messageId)` → `{ key }` of a new message. */
  readonly insertMessage: StatementSync;
  /** `(stream, offset, message, blockIndex, seq, envelope)` → a new tail row; its position is the row id. */
  readonly insertTail: StatementSync;
  /** `(message, blockIndex, seq)` → `[envelope]` of the merged event stored under that identity. */
  readonly findMerged: StatementSync;
  /** `(stream, afterOffset, limit)` → `[envelope]` rows of the merged events, in offset order. */
  readonly readMerged: StatementSync;
  /** `()` → `[position, stream, offset, message, blockIndex, seq, envelope]` of every tail row, oldest first. */
  readonly loadTail: StatementSync;
  /** `()` → `[stream, offset]` of every merge mark: the stream's tail rows up to `offset` are already merged. */
  readonly loadMarks: StatementSync;
  /** `()` → `{ position }` of the newest tail row, null when the tail is empty. */
  readonly newestTailPosition: StatementSync;
  /** `(stream, offset, message, blockIndex, seq, envelope)` → a merged event. */
  readonly insertEvent: StatementSync;
  /** `(stream, offset)` records that a stream's tail rows up to `offset` are merged. */
  readonly markMerged: StatementSync;
  /** `(position)` deletes the tail rows up to `position`. */
  readonly deleteTail: StatementSync;
  /** `()` deletes every merge mark. */
  readonly deleteMarks: StatementSync;
}

/** Prepares the statements against a database set up by `prepareSqliteDatabase`. */
export function prepareSqliteStatements(database: DatabaseSync): SqliteStatements {
  const findMerged = database.prepare('SELECT envelope FROM events WHERE message = ? AND block_index = ? AND seq = ?');
  const readMerged = database.prepare(
    'SELECT envelope FROM events WHERE stream = ? AND offset > ? ORDER BY offset LIMIT ?',
  );
  const loadTail = database.prepare(
    'SELECT position, stream, offset, message, block_index, seq, envelope FROM tail ORDER BY position',
  );
  const loadMarks = database.prepare('SELECT stream, offset FROM merge_marks');
  // Arrays instead of objects: a catch-up read creates one row per event.
  for (const statement of [findMerged, readMerged, loadTail, loadMarks]) statement.setReturnArrays(true);
  return {
    findStream: database.prepare('SELECT key FROM streams WHERE kind = ? AND name = ?'),
    insertStream: database.prepare('INSERT INTO streams (kind, name) VALUES (?, ?) RETURNING key'),
    mergedHead: database.prepare('SELECT max(offset) AS head FROM events WHERE stream = ?'),
    findMessage: database.prepare('SELECT key FROM messages WHERE stream = ? AND message_id = ?'),
    insertMessage: database.prepare('INSERT INTO messages (stream, message_id) VALUES (?, ?) RETURNING key'),
    insertTail: database.prepare(
      'INSERT INTO tail (stream, offset, message, block_index, seq, envelope) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    findMerged,
    readMerged,
    loadTail,
    loadMarks,
    newestTailPosition: database.prepare('SELECT max(position) AS position FROM tail'),
    // A clash on (stream, offset) or on the identity is not ignored: either means another
    // writer touched the file, and fails the merge.
    insertEvent: database.prepare(
      'INSERT INTO events (stream, offset, message, block_index, seq, envelope) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    markMerged: database.prepare('INSERT OR REPLACE INTO merge_marks (stream, offset) VALUES (?, ?)'),
    deleteTail: database.prepare('DELETE FROM tail WHERE position <= ?'),
    deleteMarks: database.prepare('DELETE FROM merge_marks'),
  };
}
