// Measures candidate SQLite layouts for the event log side by side, so the schema in
// packages/sqlite/src/sqlite-schema.ts is chosen by numbers, not taste. Recorded in
// docs/decisions/001-sqlite-event-log-schema.md. Run: npx node bench/compare-event-log-schemas.ts
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type Draft, type Layout, layouts, pageSize } from './support/event-log-schema-layouts.ts';

/** Events written per layout. */
const eventCount = 200_000;
/** Conversations the events are spread over, round robin, as concurrent turns would. */
const conversationCount = 100;
/**
 * Events per transaction, the batch a group commit would form under load. Set BATCH=1000
 * to see what larger group commits buy.
 */
const batchSize = Number(process.env.BATCH ?? 100);
/** Events per message before the next message opens. */
const eventsPerMessage = 50;

function makeDrafts(): Draft[] {
  const drafts: Draft[] = [];
  const counters = Array.from({ length: conversationCount }, () => 0);
  const ids = Array.from(
    { length: conversationCount },
    (_, index) => `0193a000-0000-7000-8000-${String(index).padStart(12, '0')}`,
  );
  for (let index = 0; index < eventCount; index += 1) {
    const conversation = index % conversationCount;
    const count = counters[conversation] ?? 0;
    counters[conversation] = count + 1;
    const conversationId = ids[conversation] ?? '';
    const messageId = `0193b000-0000-7${String(conversation).padStart(3, '0')}-8000-${String(Math.floor(count / eventsPerMessage)).padStart(12, '0')}`;
    const seq = (count % eventsPerMessage) + 1;
    const envelope = JSON.stringify({
      stream: 'conversation',
      conversationId,
      type: 'block_delta',
      messageId,
      blockIndex: 0,
      seq,
      ts: '2026-11-23T21:00:00.000Z',
      data: { text: 'Hello there, a token or two ' },
    });
    drafts.push({ conversationId, messageId, seq, envelope });
  }
  return drafts;
}

function openDatabase(file: string): DatabaseSync {
  const database = new DatabaseSync(file);
  database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  return database;
}

/** Bytes this process has caused to be written to storage so far (Linux). */
function bytesWritten(): number {
  const line = readFileSync('/proc/self/io', 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith('write_bytes:'));
  return Number(line?.split(':')[1] ?? Number.NaN);
}

function measureRaw(directory: string, drafts: readonly Draft[]): number {
  const database = openDatabase(join(directory, 'raw.db'));
  database.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = database.prepare('INSERT INTO rows (body) VALUES (?)');
  const started = performance.now();
  for (let start = 0; start < drafts.length; start += batchSize) {
    database.exec('BEGIN');
    for (const draft of drafts.slice(start, start + batchSize)) insert.run(draft.envelope);
    database.exec('COMMIT');
  }
  const seconds = (performance.now() - started) / 1000;
  database.close();
  return drafts.length / seconds;
}

function measureLayout(directory: string, layout: Layout, drafts: readonly Draft[]) {
  const file = join(directory, `${layout.name}.db`);
  const database = openDatabase(file);
  database.exec(layout.schema);
  const { append, readPage } = layout.prepare(database);
  const writtenBefore = bytesWritten();
  const started = performance.now();
  for (let start = 0; start < drafts.length; start += batchSize) {
    database.exec('BEGIN');
    append(drafts.slice(start, start + batchSize));
    database.exec('COMMIT');
  }
  const appendRate = drafts.length / ((performance.now() - started) / 1000);
  const writtenMegabytes = (bytesWritten() - writtenBefore) / 2 ** 20;

  // Re-appending a batch that is already stored must store nothing: the idempotent path.
  const retryStarted = performance.now();
  const retried = layout.idempotent === false ? [] : drafts.slice(0, 20_000);
  for (let start = 0; start < retried.length; start += batchSize) {
    database.exec('BEGIN');
    append(retried.slice(start, start + batchSize));
    database.exec('COMMIT');
  }
  const retryRate = retried.length === 0 ? Number.NaN : retried.length / ((performance.now() - retryStarted) / 1000);

  const readStarted = performance.now();
  let read = 0;
  for (const draft of drafts.slice(0, conversationCount)) {
    let after = 0;
    for (;;) {
      const count = readPage(draft.conversationId, after);
      read += count;
      after += count;
      if (count < pageSize) break;
    }
  }
  const readRate = read / ((performance.now() - readStarted) / 1000);
  database.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  database.close();
  return { appendRate, retryRate, readRate, writtenMegabytes, megabytes: statSync(file).size / 2 ** 20, read };
}

const directory = mkdtempSync(join(tmpdir(), 'once-schemas-'));
try {
  const drafts = makeDrafts();
  const format = (value: number) => Math.round(value).toLocaleString('en-US');
  console.log(
    `${eventCount.toLocaleString('en-US')} events, ${conversationCount} conversations interleaved, ${batchSize} events a transaction, WAL, synchronous=NORMAL, node ${process.version}\n`,
  );
  console.log(`raw inserts (one table, rowid key, no index): ${format(measureRaw(directory, drafts))} rows/s\n`);
  console.log(
    '| layout | append events/s | MiB written while appending | re-append (all duplicates) events/s | catch-up read events/s | file MiB |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const layout of layouts) {
    const result = measureLayout(directory, layout, drafts);
    if (result.read !== eventCount)
      throw new Error(`${layout.name} read ${result.read} events, expected ${eventCount}`);
    console.log(
      `| ${layout.name} | ${format(result.appendRate)} | ${format(result.writtenMegabytes)} | ${Number.isNaN(result.retryRate) ? '—' : format(result.retryRate)} | ${format(result.readRate)} | ${result.megabytes.toFixed(1)} |`,
    );
  }
  console.log('');
  for (const layout of layouts) console.log(`- ${layout.name}: ${layout.description}`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
