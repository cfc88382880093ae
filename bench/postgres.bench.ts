// The PostgreSQL event log against PostgreSQL's own batched-insert limit on this machine,
// in the same run: append throughput and commit latency with 100 conversations
// interleaved, and catch-up reads. Needs the test database (ONCE_TEST_DATABASE_URL,
// default postgres://postgres@127.0.0.1:5432/test); works in a schema of its own, dropped
// at the end. Run alone with `npm run bench postgres`.
import { openPostgresEventLog } from '@once/postgres';
import { newId, type Offset } from '@once/protocol';
import type { EventDraft, EventLog, StreamKey } from '@once/server';
import { createPostgresTestSchema, TEST_DATABASE_URL } from '@once/testing';
import postgres from 'postgres';
import type { Bench, BenchSection } from './bench-report.ts';

/** Conversations streaming at once. */
const CONVERSATIONS = 100;
/** How long each append scenario runs, in milliseconds. */
const APPEND_DURATION_MS = 5_000;
/** Events a catch-up reader reads, and its page size. */
const CATCH_UP_EVENTS = 200_000;
const PAGE_SIZE = 1_000;
/** Raw inserts: rows a transaction, as in the SQLite bench's reference figure. */
const RAW_ROWS_PER_TRANSACTION = 100;
/** Rows the raw limit writes. */
const RAW_ROWS = 200_000;

function delta(stream: StreamKey, messageId: string, seq: number, ts = new Date().toISOString()): EventDraft {
  return {
    stream: 'conversation',
    conversationId: (stream as { conversationId: string }).conversationId as EventDraft['conversationId'],
    type: 'block_delta',
    messageId: messageId as EventDraft['messageId'],
    blockIndex: 0,
    seq,
    ts,
    data: { text: 'Hello there, a token or two ' },
  };
}

const sampleEnvelope = JSON.stringify({
  offset: 1,
  ...delta({ stream: 'conversation', conversationId: newId() }, newId(), 1),
});

/**
 * The physical limit: one plain table with a bigint identity key and no other index,
 * RAW_ROWS_PER_TRANSACTION rows a transaction in one multi-row insert, one connection,
 * then a range read of the same rows in pages.
 */
async function measureRaw(schema: string): Promise<{ insertRate: number; readRate: number }> {
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const table = `"${schema}".raw_rows`;
    await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await sql.unsafe(`CREATE TABLE ${table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL)`);
    const batch = Array.from({ length: RAW_ROWS_PER_TRANSACTION }, () => sampleEnvelope);
    const started = performance.now();
    for (let row = 0; row < RAW_ROWS; row += RAW_ROWS_PER_TRANSACTION) {
      await sql.unsafe(`INSERT INTO ${table} (body) SELECT * FROM unnest($1::text[])`, [batch], { prepare: true });
    }
    const insertRate = RAW_ROWS / ((performance.now() - started) / 1000);
    const readStarted = performance.now();
    let after = 0;
    for (;;) {
      const rows = await sql.unsafe<{ id: string; body: string }[]>(
        `SELECT id, body FROM ${table} WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, PAGE_SIZE],
        { prepare: true },
      );
      if (rows.length === 0) break;
      after = Number(rows.at(-1)?.id);
    }
    const readRate = RAW_ROWS / ((performance.now() - readStarted) / 1000);
    await sql.unsafe(`DROP TABLE ${table}`);
    return { insertRate, readRate };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

interface AppendFigures {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * One writer per conversation, all at once, each appending `eventsPerAppend` events a
 * call and awaiting each call, as a turn's writer does; a new message every 200 events.
 */
async function measureAppends(log: EventLog, eventsPerAppend: number): Promise<AppendFigures> {
  const latencies: number[] = [];
  let events = 0;
  const started = performance.now();
  const deadline = started + APPEND_DURATION_MS;
  const writers = Array.from({ length: CONVERSATIONS }, async () => {
    const stream: StreamKey = { stream: 'conversation', conversationId: newId() };
    let messageId = newId();
    let seq = 1;
    while (performance.now() < deadline) {
      const ts = new Date().toISOString();
      const drafts = Array.from({ length: eventsPerAppend }, (_, index) => delta(stream, messageId, seq + index, ts));
      const called = performance.now();
      await log.append(stream, drafts);
      latencies.push(performance.now() - called);
      events += eventsPerAppend;
      seq += eventsPerAppend;
      if (seq > 200) {
        messageId = newId();
        seq = 1;
      }
    }
  });
  await Promise.all(writers);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((first, second) => first - second);
  const percentile = (fraction: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))] ?? 0;
  return { rate: events / seconds, p50: percentile(0.5), p99: percentile(0.99) };
}

/** Stores CATCH_UP_EVENTS events in one conversation, then reads them back in pages. */
async function measureCatchUp(log: EventLog): Promise<number> {
  const stream: StreamKey = { stream: 'conversation', conversationId: newId() };
  const messageId = newId();
  for (let seq = 1; seq <= CATCH_UP_EVENTS; seq += PAGE_SIZE) {
    await log.append(
      stream,
      Array.from({ length: PAGE_SIZE }, (_, index) => delta(stream, messageId, seq + index)),
    );
  }
  const started = performance.now();
  let after = 0;
  for (;;) {
    const page = await log.read(stream, after as Offset, PAGE_SIZE);
    if (page.length === 0) break;
    after = (page.at(-1) as { offset: number }).offset;
  }
  if (after !== CATCH_UP_EVENTS) throw new Error(`read ${after} events, expected ${CATCH_UP_EVENTS}`);
  return CATCH_UP_EVENTS / ((performance.now() - started) / 1000);
}

const bench: Bench = async (): Promise<BenchSection> => {
  await using database = await createPostgresTestSchema();
  const raw = await measureRaw(database.schema);
  const log = await openPostgresEventLog({ url: database.url });
  let single: AppendFigures;
  let coalesced: AppendFigures;
  let catchUp: number;
  try {
    single = await measureAppends(log, 1);
    coalesced = await measureAppends(log, 10);
    catchUp = await measureCatchUp(log);
  } finally {
    await log.close();
  }

  const rawInsert = {
    what: `raw PostgreSQL inserts, ${RAW_ROWS_PER_TRANSACTION} rows a transaction`,
    value: raw.insertRate,
  };
  return {
    title: 'Event log (PostgreSQL)',
    method:
      `${CONVERSATIONS} conversations stream at once for ${APPEND_DURATION_MS / 1000} s each scenario, one writer each awaiting every append ` +
      '(so group commit gathers the writers); latency is from the `append` call to its promise resolving. ' +
      `Catch-up reads ${CATCH_UP_EVENTS.toLocaleString('en-US')} events of one conversation in pages of ${PAGE_SIZE}, parsed. ` +
      'PostgreSQL on the same machine over TCP loopback, default settings (synchronous_commit on); the raw limit inserts the same envelope text into a plain table, one multi-row insert a transaction, from one connection.',
    rows: [
      {
        what: 'append, 1 event a call, 100 conversations',
        value: single.rate,
        unit: 'events/s',
        limit: rawInsert,
        goal: '≥ 0.5 of raw',
      },
      { what: 'commit latency p50, 1 event a call', value: single.p50, unit: 'ms' },
      { what: 'commit latency p99, 1 event a call', value: single.p99, unit: 'ms', goal: '< 10 ms' },
      {
        what: 'append, 10 events a call, 100 conversations',
        value: coalesced.rate,
        unit: 'events/s',
        limit: rawInsert,
        goal: '≥ 0.5 of raw',
      },
      { what: 'commit latency p50, 10 events a call', value: coalesced.p50, unit: 'ms' },
      { what: 'commit latency p99, 10 events a call', value: coalesced.p99, unit: 'ms', goal: '< 10 ms' },
      {
        what: 'catch-up read, pages of 1000',
        value: catchUp,
        unit: 'events/s',
        limit: { what: 'raw range read, pages of 1000, unparsed', value: raw.readRate },
        goal: '≥ 300,000 events/s',
      },
    ],
    notes: [
      'docs/decisions/004-postgresql-event-log.md: a batch is one transaction of two pipelined round trips (lock the streams and read their stored identities; insert, move heads and NOTIFY, commit). One batch is in flight per log, so throughput is batch size over round-trip-plus-commit time.',
    ],
  };
};

export default bench;
