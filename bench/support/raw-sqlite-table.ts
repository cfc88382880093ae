// The physical limit of node:sqlite on this machine, on a table as big as the log it is
// compared with: one plain table, rowid key, no index, the same envelope text in each row.
import { DatabaseSync } from 'node:sqlite';
import { SAMPLE_ENVELOPE } from './event-log-load.ts';

/** A plain rowid table that grows beside an event log, and the raw rates measured on it. */
export interface RawSqliteTable {
  /** Rows in the table. */
  readonly rows: number;
  /** Inserts rows, 1,000 a transaction, until the table holds `target`. */
  growTo(target: number): void;
  /** Inserts 100 rows a transaction for `durationMs`; returns rows/s. */
  insertRate(durationMs: number): number;
  /** Reads the table's first `count` rows in pages of `pageSize`, unparsed; returns rows/s. */
  readRate(count: number, pageSize: number): number;
  close(): void;
}

/** Opens (creating) the raw table in a file of its own, WAL and synchronous=NORMAL as the log. */
export function openRawSqliteTable(path: string): RawSqliteTable {
  const database = new DatabaseSync(path);
  database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  database.exec('CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = database.prepare('INSERT INTO rows (body) VALUES (?)');
  const page = database.prepare('SELECT id, body FROM rows WHERE id > ? ORDER BY id LIMIT ?');
  page.setReturnArrays(true);
  let rows = Number((database.prepare('SELECT count(*) AS n FROM rows').get() as { n: number }).n);
  const insertBatch = (size: number) => {
    database.exec('BEGIN');
    for (let index = 0; index < size; index += 1) insert.run(SAMPLE_ENVELOPE);
    database.exec('COMMIT');
    rows += size;
  };
  return {
    get rows() {
      return rows;
    },
    growTo(target) {
      while (rows < target) insertBatch(Math.min(1_000, target - rows));
    },
    insertRate(durationMs) {
      const before = rows;
      const started = performance.now();
      while (performance.now() - started < durationMs) insertBatch(100);
      return (rows - before) / ((performance.now() - started) / 1000);
    },
    readRate(count, pageSize) {
      const started = performance.now();
      let after = 0;
      let read = 0;
      while (read < count) {
        const found = page.all(after, Math.min(pageSize, count - read)) as unknown as [number, string][];
        if (found.length === 0) break;
        read += found.length;
        after = (found.at(-1) as [number, string])[0];
      }
      return read / ((performance.now() - started) / 1000);
    },
    close() {
      database.close();
    },
  };
}
