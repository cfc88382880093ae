import type { ConversationHead, SnapshotSummary, StoredSnapshot } from '@once/log';
import type { ConversationId, Offset } from '@once/protocol';
import type { Sql } from 'postgres';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

/**
 * The `snapshots` table: one row per stream, replaced only by a snapshot at a higher
 * offset, whichever daemon saves it (docs/decisions/016-persisted-snapshots.md).
 */
export class PostgresSnapshots {
  readonly #sql: Sql;
  readonly #table: string;
  readonly #streams: string;

  constructor(sql: Sql, names: SchemaNames) {
    this.#sql = sql;
    this.#table = names.snapshots;
    this.#streams = names.streams;
  }

  /**
   * Stores the snapshot of the stream with key `stream` unless one at the same or a higher
   * offset is there; two daemons saving at once leave the higher one.
   * @returns Whether it was stored.
   */
  async save(stream: number, snapshot: StoredSnapshot): Promise<boolean> {
    const rows = await this.#sql.unsafe(
      `INSERT INTO ${this.#table} (stream, stream_offset, summary, state) VALUES ($1, $2, $3, $4)
       ON CONFLICT (stream) DO UPDATE
         SET stream_offset = excluded.stream_offset, summary = excluded.summary, state = excluded.state
         WHERE ${this.#table}.stream_offset < excluded.stream_offset
       RETURNING 1`,
      [stream, snapshot.offset, snapshot.summary, snapshot.state],
      PREPARED,
    );
    return rows.length > 0;
  }

  /** The latest snapshot of the stream with key `stream`. */
  async latest(stream: number): Promise<StoredSnapshot | undefined> {
    const [row] = await this.#sql.unsafe<{ offset: string; summary: string; state: string }[]>(
      `SELECT stream_offset AS offset, summary, state FROM ${this.#table} WHERE stream = $1`,
      [stream],
      PREPARED,
    );
    return row === undefined
      ? undefined
      : { offset: Number(row.offset) as Offset, summary: row.summary, state: row.state };
  }

  /** The offset and summary of the latest snapshot of the stream with key `stream`. */
  async summary(stream: number): Promise<SnapshotSummary | undefined> {
    const [row] = await this.#sql.unsafe<{ offset: string; summary: string }[]>(
      `SELECT stream_offset AS offset, summary FROM ${this.#table} WHERE stream = $1`,
      [stream],
      PREPARED,
    );
    return row === undefined ? undefined : { offset: Number(row.offset) as Offset, summary: row.summary };
  }

  /** Every conversation stream that holds an event: its head and latest snapshot summary, in one query. */
  async conversationHeads(): Promise<ConversationHead[]> {
    const rows = await this.#sql.unsafe<
      { name: string; head: string; offset: string | null; summary: string | null }[]
    >(
      `SELECT streams.name, streams.head, snapshots.stream_offset AS offset, snapshots.summary
       FROM ${this.#streams} AS streams LEFT JOIN ${this.#table} AS snapshots ON snapshots.stream = streams.key
       WHERE streams.kind = 'conversation' AND streams.head > 0`,
      [],
      PREPARED,
    );
    return rows.map((row) => ({
      conversationId: row.name as ConversationId,
      head: Number(row.head) as Offset,
      snapshot:
        row.offset === null || row.summary === null
          ? undefined
          : { offset: Number(row.offset) as Offset, summary: row.summary },
    }));
  }
}
