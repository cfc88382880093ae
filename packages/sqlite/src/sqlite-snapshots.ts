import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { setTimeout } from 'node:timers/promises';
import type { SnapshotSummary, StoredSnapshot } from '@once/log';
import { type Offset, OnceError } from '@once/protocol';
import { beginWrite } from './sqlite-write-lock.ts';

/** How long, in milliseconds, a snapshot waits for the write lock another connection holds. */
const LOCKED_GIVE_UP_MS = 10_000;

/**
 * The `snapshots` table of layout 4: one row per stream, replaced only by a snapshot at a
 * higher offset (docs/decisions/016-persisted-snapshots.md). Stream keys are the log's.
 */
export class SqliteSnapshots {
  readonly #database: DatabaseSync;
  readonly #save: StatementSync;
  readonly #latest: StatementSync;
  readonly #summary: StatementSync;
  readonly #conversations: StatementSync;

  constructor(database: DatabaseSync) {
    this.#database = database;
    // The WHERE of the upsert keeps a row at the same or a higher offset untouched.
    this.#save = database.prepare(`
      INSERT INTO snapshots (stream, offset, summary, state) VALUES (?, ?, ?, ?)
      ON CONFLICT (stream) DO UPDATE SET offset = excluded.offset, summary = excluded.summary, state = excluded.state
      WHERE excluded.offset > snapshots.offset`);
    this.#latest = database.prepare('SELECT offset, summary, state FROM snapshots WHERE stream = ?');
    this.#summary = database.prepare('SELECT offset, summary FROM snapshots WHERE stream = ?');
    // A stream's indexed head is its last run's last offset: one step down the runs' key.
    this.#conversations = database.prepare(`
      SELECT streams.key, streams.name,
        (SELECT max(last_offset) FROM runs WHERE runs.stream = streams.key) AS indexed,
        snapshots.offset, snapshots.summary
      FROM streams LEFT JOIN snapshots ON snapshots.stream = streams.key
      WHERE streams.kind = 'conversation'`);
  }

  /**
   * Stores the snapshot of the stream with key `stream` unless one at the same or a higher
   * offset is there. Waits, from the event loop, while another connection holds the write
   * lock (the checkpoint thread, for a moment).
   * @returns Whether it was stored.
   */
  async save(stream: number, snapshot: StoredSnapshot): Promise<boolean> {
    const started = performance.now();
    while (!beginWrite(this.#database)) {
      if (performance.now() - started > LOCKED_GIVE_UP_MS) {
        throw new OnceError(
          'unavailable',
          `The event log's file stayed locked by another connection for ${LOCKED_GIVE_UP_MS / 1000} s, so the snapshot was not stored.`,
        );
      }
      await setTimeout(1);
    }
    try {
      const { changes } = this.#save.run(stream, snapshot.offset, snapshot.summary, snapshot.state);
      this.#database.exec('COMMIT');
      return Number(changes) > 0;
    } catch (error) {
      if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
      throw error;
    }
  }

  /** The latest snapshot of the stream with key `stream`. */
  latest(stream: number): StoredSnapshot | undefined {
    const row = this.#latest.get(stream) as { offset: number; summary: string; state: string } | undefined;
    return row === undefined ? undefined : { offset: row.offset as Offset, summary: row.summary, state: row.state };
  }

  /** The offset and summary of the latest snapshot of the stream with key `stream`. */
  summary(stream: number): SnapshotSummary | undefined {
    const row = this.#summary.get(stream) as { offset: number; summary: string } | undefined;
    return row === undefined ? undefined : { offset: row.offset as Offset, summary: row.summary };
  }

  /**
   * Every conversation stream's key, id, indexed head (null when nothing of it is indexed
   * yet) and latest snapshot (null offset when none), in one statement.
   */
  conversations(): ConversationRow[] {
    return this.#conversations.all() as unknown as ConversationRow[];
  }
}

/** A row of {@link SqliteSnapshots.conversations}. */
export interface ConversationRow {
  readonly key: number;
  readonly name: string;
  readonly indexed: number | null;
  readonly offset: number | null;
  readonly summary: string | null;
}
