// The SQLite event log against the physical limit of node:sqlite on this machine, in the
// same run: append throughput and commit latency with 100 conversations interleaved, and
// catch-up reads. Run alone with `npm run bench event-log`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openSqliteEventLog } from '@once/sqlite';
import type { Bench, BenchSection } from './bench-report.ts';
import {
  type AppendFigures,
  eventLogMethod,
  eventLogRows,
  measureAppends,
  measureCatchUp,
  SAMPLE_ENVELOPE,
} from './support/event-log-load.ts';

/** Conversations streaming at once. */
const CONVERSATIONS = 100;
/** How long each append scenario runs, in milliseconds. */
const APPEND_DURATION_MS = 5_000;
/** Events a catch-up reader reads, and its page size. */
const CATCH_UP_EVENTS = 1_000_000;
const PAGE_SIZE = 1_000;
/** Raw inserts: rows a transaction, as in the architecture's reference figure. */
const RAW_ROWS_PER_TRANSACTION = 100;

/** The physical limit: one plain table, rowid key, no index, 100 rows a transaction. */
function measureRaw(directory: string): { insertRate: number; readRate: number } {
  const database = new DatabaseSync(join(directory, 'raw.db'));
  database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  database.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = database.prepare('INSERT INTO rows (body) VALUES (?)');
  const started = performance.now();
  for (let row = 0; row < CATCH_UP_EVENTS; row += RAW_ROWS_PER_TRANSACTION) {
    database.exec('BEGIN');
    for (let index = 0; index < RAW_ROWS_PER_TRANSACTION; index += 1) insert.run(SAMPLE_ENVELOPE);
    database.exec('COMMIT');
  }
  const insertRate = CATCH_UP_EVENTS / ((performance.now() - started) / 1000);
  const page = database.prepare('SELECT id, body FROM rows WHERE id > ? ORDER BY id LIMIT ?');
  page.setReturnArrays(true);
  const readStarted = performance.now();
  let after = 0;
  for (;;) {
    const rows = page.all(after, PAGE_SIZE) as unknown as [number, string][];
    if (rows.length === 0) break;
    after = (rows.at(-1) as [number, string])[0];
  }
  const readRate = after / ((performance.now() - readStarted) / 1000);
  database.close();
  return { insertRate, readRate };
}

const bench: Bench = async (): Promise<BenchSection> => {
  const directory = mkdtempSync(join(tmpdir(), 'once-bench-event-log-'));
  try {
    const raw = measureRaw(directory);
    const appends: AppendFigures[] = [];
    for (const [index, eventsPerAppend] of [1, 10].entries()) {
      const log = openSqliteEventLog({ path: join(directory, `appends-${index}.db`) });
      appends.push(
        await measureAppends(log, { conversations: CONVERSATIONS, durationMs: APPEND_DURATION_MS, eventsPerAppend }),
      );
      await log.close();
    }
    const catchUpLog = openSqliteEventLog({ path: join(directory, 'catch-up.db') });
    const catchUp = await measureCatchUp(catchUpLog, CATCH_UP_EVENTS, PAGE_SIZE);
    await catchUpLog.close();

    const rawInsert = {
      what: `raw node:sqlite inserts, ${RAW_ROWS_PER_TRANSACTION} rows a transaction`,
      value: raw.insertRate,
    };
    const [single, coalesced] = appends as [AppendFigures, AppendFigures];
    return {
      title: 'Event log (SQLite)',
      method:
        eventLogMethod({
          conversations: CONVERSATIONS,
          durationMs: APPEND_DURATION_MS,
          catchUpEvents: CATCH_UP_EVENTS,
          pageSize: PAGE_SIZE,
        }) +
        'WAL, synchronous=NORMAL, default group commit (commit at the end of the event-loop turn, at most 1000 events); the raw limit writes the same envelope text to a plain table.',
      rows: eventLogRows({ single, coalesced, catchUp, rawInsert, rawRead: raw.readRate }),
      notes: [
        'Layout 3 (docs/decisions/001-sqlite-event-log-schema.md): each event is written once, to an append-only table, in INSERT statements of up to 64 rows (the raw limit inserts one row a statement); where the events not indexed yet are is held in memory (positions and identities, not their text) and indexed per stream in small rounds (one row per stream per 20,000 events); WAL checkpoints, including the restarts that keep the WAL short, run on a worker thread; `append` hands back stored entries (offset, type, JSON text) rather than parsed events, and a new seq needs no idempotency look-up. At one event a call, what remains between Once and raw is mostly the producer building its drafts (about a third of the time), one promise per call, and serializing each draft.',
      ],
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
};

export default bench;
