import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { TailEvent } from './event-tail.ts';

/** An event of the transaction in progress; its position is known once its row is inserted. */
export interface StagedEvent extends Omit<TailEvent, 'position'> {
  position: number;
  /** The stored JSON text, offset first. */
  readonly envelope: string;
}

/**
 * The most rows one INSERT statement writes. A statement per row spends most of its time
 * entering and leaving SQLite; 64 rows a statement wrote about twice as many rows a
 * second as one (`bench/event-log.bench.ts`, 1,000-row transactions), and larger
 * statements measured no better.
 */
const ROWS_PER_STATEMENT = 64;

/**
 * Inserts `log` rows for a transaction in multi-row INSERT statements. Rows are queued by
 * {@link LogRowInserter.add} and written in statements of 64 by
 * {@link LogRowInserter.flush} (and whenever 64 are queued), the rest in statements of
 * 32, 16, … 1 rows, so at most seven statements are ever prepared. A row's position is
 * its row id: rows of one statement get consecutive ids ending at `lastInsertRowid`,
 * since one connection writes the file and the table's ids only grow.
 */
export class LogRowInserter {
  readonly #database: DatabaseSync;
  /** Prepared statements by their row count, each a power of two. */
  readonly #statements = new Map<number, StatementSync>();
  #queued: StagedEvent[] = [];

  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  /** Queues the row of `event`; its position is set when the row is inserted. */
  add(event: StagedEvent): void {
    this.#queued.push(event);
    if (this.#queued.length === ROWS_PER_STATEMENT) this.flush();
  }

  /** Inserts every queued row, setting each event's position. */
  flush(): void {
    const queued = this.#queued;
    if (queued.length === 0) return;
    this.#queued = [];
    let start = 0;
    for (let size = ROWS_PER_STATEMENT; size >= 1; size /= 2) {
      while (queued.length - start >= size) {
        this.#insert(queued, start, size);
        start += size;
      }
    }
  }

  /** Forgets queued rows, as when their transaction rolls back. */
  discard(): void {
    this.#queued = [];
  }

  #insert(events: readonly StagedEvent[], start: number, count: number): void {
    const values: (number | string)[] = new Array(count * 2);
    for (let index = 0; index < count; index += 1) {
      const event = events[start + index] as StagedEvent;
      values[index * 2] = event.stream;
      values[index * 2 + 1] = event.envelope;
    }
    const last = Number(this.#statement(count).run(...values).lastInsertRowid);
    for (let index = 0; index < count; index += 1) {
      (events[start + index] as StagedEvent).position = last - count + 1 + index;
    }
  }

  #statement(count: number): StatementSync {
    let statement = this.#statements.get(count);
    if (statement === undefined) {
      const rows = Array.from({ length: count }, () => '(?, ?)').join(', ');
      statement = this.#database.prepare(`INSERT INTO log (stream, envelope) VALUES ${rows}`);
      this.#statements.set(count, statement);
    }
    return statement;
  }
}
