// The PostgreSQL event log against PostgreSQL's own batched-insert limit on this machine,
// in the same run: append throughput and commit latency with 100 conversations
// interleaved, in this process and then as one and two daemon processes appending to the
// same schema together, and catch-up reads. Needs the test database
// (ONCE_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test); works in a
// schema of its own, dropped at the end. Run alone with `npm run bench postgres`;
// POSTGRES_BENCH_QUICK=1 runs short scenarios to check the bench works,
// POSTGRES_BENCH_IN_FLIGHT=N sets the log's batchesInFlight (default: the log's),
// POSTGRES_BENCH_OVERLAP=N its minOverlapSize (default: the log's).
import { BATCHES_IN_FLIGHT, openPostgresEventLog, type PostgresEventLog } from '@once/postgres';
import { createPostgresTestSchema, TEST_DATABASE_URL } from '@once/testing';
import postgres from 'postgres';
import type { Bench, BenchRow, BenchSection } from './bench-report.ts';
import {
  type AppendFigures,
  eventLogMethod,
  eventLogRows,
  measureAppends,
  measureCatchUp,
  SAMPLE_ENVELOPE,
} from './support/event-log-load.ts';
import { type DaemonsFigures, measureDaemonsAppending } from './support/postgres-append-daemons.ts';
import { type BackendCpu, backendCpu } from './support/postgres-backend-cpu.ts';
import { type WalFlushes, walFlushes } from './support/postgres-wal-flushes.ts';

const QUICK = process.env.POSTGRES_BENCH_QUICK === '1';
/** Batches in flight per log (PostgresEventLogOptions.batchesInFlight). */
const IN_FLIGHT = Number(process.env.POSTGRES_BENCH_IN_FLIGHT ?? BATCHES_IN_FLIGHT);
/** Fewest queued events that start a batch beside one in flight (PostgresEventLogOptions.minOverlapSize). */
const MIN_OVERLAP = Number(process.env.POSTGRES_BENCH_OVERLAP ?? 1);

/** Conversations streaming at once. */
const CONVERSATIONS = 100;
/** How long each append scenario runs, in milliseconds. */
const APPEND_DURATION_MS = QUICK ? 1_000 : 5_000;
/** Events a catch-up reader reads, and its page size. */
const CATCH_UP_EVENTS = QUICK ? 20_000 : 200_000;
const PAGE_SIZE = 1_000;
/** Raw inserts: rows a transaction, as in the SQLite bench's reference figure. */
const RAW_ROWS_PER_TRANSACTION = 100;
/** Rows the raw limit writes. */
const RAW_ROWS = QUICK ? 20_000 : 200_000;

/** The raw limit's insert figures: rows a second, and rows a WAL flush of the server's. */
interface RawInserts {
  readonly insertRate: number;
  readonly rowsPerFlush: number | undefined;
}

/**
 * The physical limit: one plain table (`table`, in `schema`) with a bigint identity key
 * and no other index, RAW_ROWS_PER_TRANSACTION rows a transaction in one multi-row insert,
 * one connection; with `read`, then a range read of the same rows in pages.
 */
async function measureRaw(
  schema: string,
  table: string,
  flushes: WalFlushes,
  read: boolean,
): Promise<RawInserts & { readRate: number | undefined }> {
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const name = `"${schema}".${table}`;
    await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await sql.unsafe(`CREATE TABLE ${name} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL)`);
    const batch = Array.from({ length: RAW_ROWS_PER_TRANSACTION }, () => SAMPLE_ENVELOPE);
    const flushesBefore = await flushes.count();
    const started = performance.now();
    for (let row = 0; row < RAW_ROWS; row += RAW_ROWS_PER_TRANSACTION) {
      await sql.unsafe(`INSERT INTO ${name} (body) SELECT * FROM unnest($1::text[])`, [batch], { prepare: true });
    }
    const insertRate = RAW_ROWS / ((performance.now() - started) / 1000);
    const rowsPerFlush = perFlush(RAW_ROWS, flushesBefore, await flushes.count());
    let readRate: number | undefined;
    if (read) {
      const readStarted = performance.now();
      let after = 0;
      for (;;) {
        const rows = await sql.unsafe<{ id: string; body: string }[]>(
          `SELECT id, body FROM ${name} WHERE id > $1 ORDER BY id LIMIT $2`,
          [after, PAGE_SIZE],
          { prepare: true },
        );
        if (rows.length === 0) break;
        after = Number(rows.at(-1)?.id);
      }
      readRate = RAW_ROWS / ((performance.now() - readStarted) / 1000);
    }
    await sql.unsafe(`DROP TABLE ${name}`);
    return { insertRate, rowsPerFlush, readRate };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Rows (or events) written per WAL flush between two readings; undefined without readings. */
function perFlush(rows: number, before: number | undefined, after: number | undefined): number | undefined {
  if (before === undefined || after === undefined || after <= before) return undefined;
  return rows / (after - before);
}

/** Microseconds of CPU per appended event: PostgreSQL's (this log's backends) and this process's. */
interface CpuPerEvent {
  readonly postgres: number;
  readonly node: number;
}

/** Runs an append scenario and charges the CPU it took to its events. */
async function measureAppendsWithCpu(
  log: PostgresEventLog,
  backends: BackendCpu,
  flushes: WalFlushes,
  eventsPerAppend: number,
): Promise<{ figures: AppendFigures; cpu: CpuPerEvent; eventsPerFlush: number | undefined }> {
  const flushesBefore = await flushes.count();
  const postgresBefore = await backends.seconds();
  const nodeBefore = process.cpuUsage();
  const figures = await measureAppends(log, {
    conversations: CONVERSATIONS,
    durationMs: APPEND_DURATION_MS,
    eventsPerAppend,
  });
  const node = process.cpuUsage(nodeBefore);
  const postgresSeconds = (await backends.seconds()) - postgresBefore;
  const events = figures.rate * (APPEND_DURATION_MS / 1000);
  return {
    figures,
    cpu: { postgres: (postgresSeconds * 1e6) / events, node: (node.user + node.system) / events },
    eventsPerFlush: perFlush(events, flushesBefore, await flushes.count()),
  };
}

/** The CPU and WAL-flush rows of one in-process append scenario. */
function cpuRows(
  eventsPerAppend: number,
  cpu: CpuPerEvent,
  eventsPerFlush: number | undefined,
  rawRowsPerFlush: number | undefined,
): BenchRow[] {
  const calls = eventsPerAppend === 1 ? '1 event a call' : `${eventsPerAppend} events a call`;
  const rows: BenchRow[] = [
    { what: `PostgreSQL CPU per appended event, ${calls} (the log's own backends)`, value: cpu.postgres, unit: 'µs' },
    { what: `appending process CPU per event, ${calls} (log and the bench's writers)`, value: cpu.node, unit: 'µs' },
  ];
  if (eventsPerFlush !== undefined) {
    rows.push({
      what: `events per WAL flush, ${calls} (the server's flushes)`,
      value: eventsPerFlush,
      unit: 'events',
      ...(rawRowsPerFlush === undefined
        ? {}
        : { limit: { what: 'raw PostgreSQL inserts, rows per WAL flush', value: rawRowsPerFlush } }),
    });
  }
  return rows;
}

const bench: Bench = async (): Promise<BenchSection> => {
  await using database = await createPostgresTestSchema();
  const flushes = walFlushes(TEST_DATABASE_URL);
  const raw = await measureRaw(database.schema, 'raw_rows', flushes, true);
  const log = await openPostgresEventLog({
    url: database.url,
    batchesInFlight: IN_FLIGHT,
    minOverlapSize: MIN_OVERLAP,
  });
  let single: AppendFigures;
  let coalesced: AppendFigures;
  let catchUp: number;
  let cpu: BenchRow[];
  // The raw limit again, once the log has written the scenarios above: the daemon rows run
  // on a larger database (more of it outside shared_buffers, more dirty pages to evict)
  // than the first raw run did, and are compared with the limit under the same conditions.
  let rawLater: RawInserts;
  const daemons: { eventsPerAppend: number; one: DaemonsFigures; two: DaemonsFigures }[] = [];
  try {
    // The log's connections open on first use: a short warm-up opens them before the
    // backends are looked up.
    await measureAppends(log, { conversations: CONVERSATIONS, durationMs: 200, eventsPerAppend: 1 });
    const backends = backendCpu(TEST_DATABASE_URL);
    try {
      const one = await measureAppendsWithCpu(log, backends, flushes, 1);
      const ten = await measureAppendsWithCpu(log, backends, flushes, 10);
      single = one.figures;
      coalesced = ten.figures;
      cpu = [
        ...cpuRows(1, one.cpu, one.eventsPerFlush, raw.rowsPerFlush),
        ...cpuRows(10, ten.cpu, ten.eventsPerFlush, raw.rowsPerFlush),
      ];
    } finally {
      await backends.close();
    }
    catchUp = await measureCatchUp(log, CATCH_UP_EVENTS, PAGE_SIZE);
    rawLater = await measureRaw(database.schema, 'raw_rows_later', flushes, false);
    for (const eventsPerAppend of [1, 10]) {
      const load = { conversations: CONVERSATIONS, durationMs: APPEND_DURATION_MS, eventsPerAppend };
      const one = await measureDaemonsAppending(database.url, 1, load, IN_FLIGHT, MIN_OVERLAP);
      const two = await measureDaemonsAppending(database.url, 2, load, IN_FLIGHT, MIN_OVERLAP);
      daemons.push({ eventsPerAppend, one, two });
    }
  } finally {
    await log.close();
    await flushes.close();
  }

  const rawInsert = {
    what: `raw PostgreSQL inserts, ${RAW_ROWS_PER_TRANSACTION} rows a transaction`,
    value: raw.insertRate,
  };
  // Shown beside the first: the daemon rows keep the first as their limit.
  const rawBeforeDaemons: BenchRow = {
    what: `raw PostgreSQL inserts again, ${RAW_ROWS_PER_TRANSACTION} rows a transaction, just before the daemon rows`,
    value: rawLater.insertRate,
    unit: 'events/s',
    limit: rawInsert,
  };
  return {
    title: 'Event log (PostgreSQL)',
    method:
      eventLogMethod({
        conversations: CONVERSATIONS,
        durationMs: APPEND_DURATION_MS,
        catchUpEvents: CATCH_UP_EVENTS,
        pageSize: PAGE_SIZE,
      }) +
      'PostgreSQL on the same machine over TCP loopback, default settings (synchronous_commit on); the raw limit inserts the same envelope text into a plain table, one multi-row insert a transaction, from one connection.',
    rows: [
      ...eventLogRows({ single, coalesced, catchUp, rawInsert, rawRead: raw.readRate ?? 0 }),
      ...cpu,
      rawBeforeDaemons,
      ...daemons.flatMap(({ eventsPerAppend, one, two }) => daemonRows(eventsPerAppend, one, two, rawInsert)),
    ],
    notes: [
      `docs/decisions/029-postgresql-append-in-one-call.md: once the log knows a batch's streams, a batch is one round trip: a call of the schema's append function (move the streams' heads from where this daemon left them, insert the events and the messages the batch opens), then NOTIFY in a transaction of its own; a stream's first batch is the transaction of two round trips of decision 004. Layout 2 (docs/decisions/039-postgresql-layout-2-identities-in-memory.md): the events table holds the stream, offset and envelope under its primary key and no other index; an event's identity is checked against its message's highest seqs, held in memory while the stream's head is where this daemon left it. docs/decisions/018-postgresql-appends-in-parallel.md: up to ${IN_FLIGHT} batches per log are in flight at once, on streams no other batch in flight holds, each on a connection of its own.`,
      'CPU rows: user plus system time over the in-process append scenario, divided by the events it appended; PostgreSQL’s is that of the backends serving this process’s connections (found by their client ports), so other sessions on the server do not count.',
      'Raw limit: measured at the start, on an empty schema, and again just before the daemon rows, once the scenarios above had written their events (a larger database, more of it outside shared_buffers, more dirty pages for the inserting backends to evict); every ratio uses the first. WAL-flush rows: pg_stat_wal.wal_sync over the scenario, the whole server’s (every commit waits for a flush covering its commit record; commits that arrive during one flush share the next).',
      'Daemon rows: each daemon is a process of its own opening its own log on the same schema, with its own 100 conversations (two daemons: 200 in all), all starting at the same moment; the figure is the daemons’ summed throughput, the latencies the worse daemon’s.',
    ],
  };
};

/** The rows of one and two daemon processes appending `eventsPerAppend` events a call. */
function daemonRows(
  eventsPerAppend: number,
  one: DaemonsFigures,
  two: DaemonsFigures,
  rawInsert: { what: string; value: number },
): BenchRow[] {
  const calls = eventsPerAppend === 1 ? '1 event a call' : `${eventsPerAppend} events a call`;
  return [
    {
      what: `append, ${calls}, 1 daemon process, 100 conversations`,
      value: one.rate,
      unit: 'events/s',
      limit: rawInsert,
      goal: '≥ 0.5 of raw',
    },
    { what: `commit latency p99, ${calls}, 1 daemon process`, value: one.p99, unit: 'ms', goal: '< 10 ms' },
    {
      what: `append, ${calls}, 2 daemon processes together, 100 conversations each`,
      value: two.rate,
      unit: 'events/s',
      limit: { what: '1 daemon process alone, same run', value: one.rate },
      goal: '> 1 × one daemon',
    },
    { what: `commit latency p99, ${calls}, 2 daemon processes`, value: two.p99, unit: 'ms', goal: '< 10 ms' },
  ];
}

export default bench;
