import type { DatabaseSync } from 'node:sqlite';
import { setTimeout } from 'node:timers/promises';
import { OnceError } from '@once/protocol';

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

/** How long, in milliseconds, a write waits for a write lock another connection holds. */
export const LOCKED_GIVE_UP_MS = 10_000;

/**
 * Calls `attempt` until it gets the write lock (it returns `busy` while another connection
 * holds it), again every millisecond from the event loop, which serves everything else
 * meanwhile: see {@link beginWrite}. The first attempt runs at once.
 * @param givenUp what was not written when the lock stays taken, the end of the error's
 *   sentence: e.g. `the snapshot was not stored.`
 * @throws OnceError `unavailable` when the lock stayed taken for {@link LOCKED_GIVE_UP_MS};
 *   whatever `attempt` throws.
 */
export async function retryWhileLocked<T>(attempt: () => T | 'busy', givenUp: string): Promise<T> {
  const started = performance.now();
  for (;;) {
    const result = attempt();
    if (result !== 'busy') return result;
    if (performance.now() - started > LOCKED_GIVE_UP_MS) {
      throw new OnceError(
        'unavailable',
        `The event log's file stayed locked by another connection for ${LOCKED_GIVE_UP_MS / 1000} s, so ${givenUp}`,
      );
    }
    await setTimeout(1);
  }
}
