import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ConversationHead, SnapshotSummary, StoredSnapshot } from '@once/log';
import type { ConversationId, Offset } from '@once/protocol';
import { beginWrite, retryWhileLocked } from './sqlite-write-lock.ts';

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
  save(stream: number, snapshot: StoredSnapshot): Promise<boolean> {
    return retryWhileLocked(() => {
      if (!beginWrite(this.#database)) return 'busy';
      try {
        const { changes } = this.#save.run(stream, snapshot.offset, snapshot.summary, snapshot.state);
        this.#database.exec('COMMIT');
        return Number(changes) > 0;
      } catch (error) {
        if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
        throw error;
      }
    }, 'the snapshot was not stored.');
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
   * Every conversation stream with an event, its head and its latest snapshot's offset and
   * summary, in one statement. `tailHead` is a stream's last offset not indexed yet: events
   * committed since the last indexing round are in the tail, in memory.
   */
  conversationHeads(tailHead: (stream: number) => number | undefined): ConversationHead[] {
    const heads: ConversationHead[] = [];
    for (const row of this.#conversations.all() as unknown as ConversationRow[]) {
      const head = tailHead(row.key) ?? row.indexed ?? 0;
      if (head === 0) continue;
      heads.push({
        conversationId: row.name as ConversationId,
        head: head as Offset,
        snapshot:
          row.offset === null || row.summary === null
            ? undefined
            : { offset: row.offset as Offset, summary: row.summary },
      });
    }
    return heads;
  }
}

/**
 * A row of the conversations statement: a conversation stream's key, id, indexed head
 * (null when nothing of it is indexed yet) and latest snapshot (null offset when none).
 */
interface ConversationRow {
  readonly key: number;
  readonly name: string;
  readonly indexed: number | null;
  readonly offset: number | null;
  readonly summary: string | null;
}
