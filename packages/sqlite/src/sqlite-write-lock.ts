import type { DatabaseSync } from 'node:sqlite';

/** SQLite's result code when another connection holds the lock asked for. */
const SQLITE_BUSY = 5;

/**
 * Begins a write transaction, or returns false, having changed nothing, when another
 * connection holds the write lock: the checkpoint thread does for a moment while it
 * restarts the write-ahead log. The caller tries again later, from the event loop; the
 * connection never sleeps in a busy handler, which would stall every other request.
 * @throws any other SQLite error.
 */
export function beginWrite(database: DatabaseSync): boolean {
  try {
    database.exec('BEGIN IMMEDIATE');
    return true;
  } catch (error) {
    if ((error as { errcode?: unknown }).errcode === SQLITE_BUSY) return false;
    throw error;
  }
}
