import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Every statement the SQLite event log runs, prepared once per connection. */
export interface SqliteStatements {
  /** `(kind, name)` → `{ key }` of an existing stream. */
  readonly findStream: StatementSync;
  /** `(kind, name)` → `{ key }` of a new stream. */
  readonly insertStream: StatementSync;
  /** `(stream)` → `{ head }`, null for a stream without events. */
  readonly streamHead: StatementSync;
  /** `(stream, messageId)` → `{ key }` of a known message. */
  readonly findMessage: StatementSync;
  /** `(stream, messageId)` → `{ key }` of a new message. */
  readonly insertMessage: StatementSync;
  /** `(stream, offset, message, blockIndex, seq, envelope)`; returns no row when the identity is already stored. */
  readonly insertEvent: StatementSync;
  /** `(message, blockIndex, seq)` → `[envelope]` of the event stored under that identity. */
  readonly findByIdentity: StatementSync;
  /** `(stream, afterOffset, limit)` → `[envelope]` rows in offset order. */
  readonly readRange: StatementSync;
}

/** Prepares the statements against a database set up by `prepareSqliteDatabase`. */
export function prepareSqliteStatements(database: DatabaseSync): SqliteStatements {
  const findByIdentity = database.prepare(
    'SELECT envelope FROM events WHERE message = ? AND block_index = ? AND seq = ?',
  );
  const readRange = database.prepare(
    'SELECT envelope FROM events WHERE stream = ? AND offset > ? ORDER BY offset LIMIT ?',
  );
  // Arrays instead of objects: a catch-up read creates one row per event.
  findByIdentity.setReturnArrays(true);
  readRange.setReturnArrays(true);
  return {
    findStream: database.prepare('SELECT key FROM streams WHERE kind = ? AND name = ?'),
    insertStream: database.prepare('INSERT INTO streams (kind, name) VALUES (?, ?) RETURNING key'),
    streamHead: database.prepare('SELECT max(offset) AS head FROM events WHERE stream = ?'),
    findMessage: database.prepare('SELECT key FROM messages WHERE stream = ? AND message_id = ?'),
    insertMessage: database.prepare('INSERT INTO messages (stream, message_id) VALUES (?, ?) RETURNING key'),
    // Only a clash on the identity is expected and ignored; a clash on (stream, offset)
    // means another writer touched the file and must fail the transaction.
    insertEvent: database.prepare(
      `INSERT INTO events (stream, offset, message, block_index, seq, envelope) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (message, block_index, seq) WHERE message IS NOT NULL DO NOTHING
       RETURNING offset`,
    ),
    findByIdentity,
    readRange,
  };
}
