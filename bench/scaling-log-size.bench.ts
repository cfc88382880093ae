// Scaling with the log: one SQLite data dir grown from 10k to 10M events (conversations of
// 1,000 events, written in large batches by the event log itself) and, at each size, the
// append rate of 100 concurrent writers, the daemon's start-up time until ready, and the
// catch-up rate of one conversation through the daemon, each beside node:sqlite's raw
// limit on a plain table of the same size, and the first (cold) read of a long
// conversation's snapshot; plotted as SVG curves. Every conversation's snapshot is saved
// as a running daemon leaves it (SCALING_SNAPSHOTS=0: none, the log alone). Run alone
// with `npm run bench scaling-log-size`.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConversationId } from '@once/protocol';
import { saveConversationSnapshot } from '@once/server';
import { openSqliteEventLog, type SqliteEventLog } from '@once/sqlite';
import type { Bench, BenchRow } from './bench-report.ts';
import { medianOf, rowFromRuns } from './bench-report.ts';
import { pointFromRuns, runDuration, writeChart } from './support/chart-files.ts';
import { startDaemon, stop } from './support/child-process.ts';
import { measureAppends } from './support/event-log-load.ts';
import { openRawSqliteTable } from './support/raw-sqlite-table.ts';
import { replayRate } from './support/sse-clients.ts';
import { appendStoredConversations, storedEventCount } from './support/stored-conversation.ts';

// SCALING_BENCH_QUICK=1 shrinks every figure, to check the benchmark itself works.
const quick = process.env.SCALING_BENCH_QUICK === '1';
// SCALING_LOG_SIZES=10000,100000 measures only those sizes.
const SIZES = (process.env.SCALING_LOG_SIZES ?? (quick ? '10000,30000' : '10000,100000,1000000,10000000'))
  .split(',')
  .map(Number);
const RUNS = quick ? 2 : 3;
// SCALING_SNAPSHOTS=0 leaves the log without snapshots, as a log written before them.
const snapshots = process.env.SCALING_SNAPSHOTS !== '0';
/** How long each append run lasts: short, because its events stay in the log. */
const APPEND_MS = 200;
const WRITERS = 100;
/** The conversation caught up on: the log's first 10,000 events, so the oldest data. */
const CATCH_UP = { messages: 10, deltas: 996 };
/** Every other conversation: one message, 1,000 events. */
const FILLER = { messages: 1, deltas: 996 };
const PAGE_SIZE = 1_000;
/** How long a start-up may take before the benchmark gives up: it reads the whole log. */
const START_UP_LIMIT_MS = 5 * 60_000;
const catchUpEvents = storedEventCount(CATCH_UP);

const count = (value: number) => value.toLocaleString('en-US');
const progress = (step: string) => console.error(`  scaling-log-size: ${step}`);

/** Per size: every run's figure of each measurement. */
interface SizePoint {
  readonly events: number;
  readonly bytes: number;
  readonly startUpMs: number[];
  readonly coldRead: number[];
  readonly catchUp: number[];
  readonly append: number[];
  readonly rawInsert: number[];
  readonly rawRead: number[];
}

/** Daemon start-ups on `dataDir`, each followed by one catch-up of the conversation through it. */
async function startUpAndCatchUp(dataDir: string, conversationId: string, events: number) {
  const startUpMs: number[] = [];
  const coldRead: number[] = [];
  const catchUp: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    const { url, child } = await startDaemon(dataDir, [], START_UP_LIMIT_MS);
    try {
      startUpMs.push(performance.now() - started);
      if (events > 0) {
        // The first read of the conversation after a start: its snapshot is in no cache.
        const read = performance.now();
        const response = await fetch(`${url}/v1/conversations/${conversationId}`);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`GET /v1/conversations/:id answered ${response.status}`);
        coldRead.push(performance.now() - read);
        // The first catch-up after a start runs on code not yet optimised; the second is what a size changes.
        const stream = `${url}/v1/conversations/${conversationId}/events?after=0`;
        await replayRate(stream, events);
        catchUp.push(await replayRate(stream, events));
      }
    } finally {
      await stop(child);
    }
  }
  return { startUpMs, coldRead, catchUp };
}

/** Saves each conversation's snapshot as a running daemon's snapshot writer leaves it. */
async function saveSnapshots(log: SqliteEventLog, conversationIds: readonly ConversationId[]) {
  if (!snapshots) return;
  for (const conversationId of conversationIds) await saveConversationSnapshot(log, log, conversationId);
}

const bench: Bench = async () => {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const directory = mkdtempSync(join(tmpdir(), 'once-bench-scaling-'));
  const dataDir = join(directory, 'data');
  const emptyDir = join(directory, 'empty');
  mkdirSync(dataDir);
  mkdirSync(emptyDir);
  const raw = openRawSqliteTable(join(directory, 'raw.db'));
  const points: SizePoint[] = [];
  const fills: string[] = [];
  let emptyStartUp: number[] = [];
  try {
    progress('daemon start-up on an empty data dir');
    emptyStartUp = (await startUpAndCatchUp(emptyDir, '', 0)).startUpMs;
    let log: SqliteEventLog = openSqliteEventLog({ path: join(dataDir, 'once.db') });
    const [conversationId] = await appendStoredConversations(log, 1, CATCH_UP);
    await saveSnapshots(log, [conversationId as ConversationId]);
    let events = catchUpEvents + 1;
    for (const size of SIZES) {
      const conversations = Math.ceil((size - events) / (storedEventCount(FILLER) + 1));
      if (conversations > 0) {
        progress(`writing ${count(conversations)} conversations, to ${count(size)} events`);
        const started = performance.now();
        const ids = await appendStoredConversations(log, conversations, FILLER, 8);
        const written = conversations * (storedEventCount(FILLER) + 1);
        fills.push(`${count(written)} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        events += written;
        if (snapshots) {
          progress(`saving ${count(conversations)} snapshots`);
          await saveSnapshots(log, ids);
        }
      }
      raw.growTo(events);
      await log.close();
      const bytes = statSync(join(dataDir, 'once.db')).size;
      progress(`${count(events)} events: start-up and catch-up`);
      const { startUpMs, coldRead, catchUp } = await startUpAndCatchUp(
        dataDir,
        conversationId as string,
        catchUpEvents,
      );
      progress(`${count(events)} events: appends`);
      log = openSqliteEventLog({ path: join(dataDir, 'once.db') });
      const point: SizePoint = {
        events,
        bytes,
        startUpMs,
        coldRead,
        catchUp,
        append: [],
        rawInsert: [],
        rawRead: [],
      };
      for (let run = 0; run < RUNS; run += 1) {
        const appended = await measureAppends(log, {
          conversations: WRITERS,
          durationMs: APPEND_MS,
          eventsPerAppend: 1,
        });
        point.append.push(appended.rate);
        events += Math.round((appended.rate * APPEND_MS) / 1000);
        point.rawInsert.push(raw.insertRate(APPEND_MS));
        point.rawRead.push(raw.readRate(catchUpEvents, PAGE_SIZE));
      }
      points.push(point);
    }
    await log.close();
  } finally {
    raw.close();
    rmSync(directory, { recursive: true, force: true });
  }

  const rows: BenchRow[] = points.flatMap((point) => {
    const size = `log of ${count(point.events)} events`;
    return [
      rowFromRuns(
        {
          what: `append, ${WRITERS} writers, 1 event a call, ${size}`,
          unit: 'events/s',
          limit: {
            what: 'raw node:sqlite inserts, 100 rows a transaction, same size',
            value: medianOf(point.rawInsert),
          },
        },
        point.append,
      ),
      rowFromRuns(
        {
          what: `daemon start-up until ready, ${size}`,
          unit: 'ms',
          limit: { what: 'start-up on an empty data dir', value: medianOf(emptyStartUp) },
        },
        point.startUpMs,
      ),
      rowFromRuns(
        {
          what: `first GET /v1/conversations/:id of the ${count(catchUpEvents)}-event conversation after a start, ${size}`,
          unit: 'ms',
        },
        point.coldRead,
      ),
      rowFromRuns(
        {
          what: `catch-up of one ${count(catchUpEvents)}-event conversation through the daemon (SSE), ${size}`,
          unit: 'events/s',
          limit: {
            what: 'raw node:sqlite range read, pages of 1000, unparsed, same size',
            value: medianOf(point.rawRead),
          },
        },
        point.catchUp,
      ),
    ];
  });

  const pick = (name: string, figures: (point: SizePoint) => number[]) => ({
    name,
    points: points.map((point) => pointFromRuns(point.events, figures(point))),
  });
  const xLabel = 'events in the SQLite log';
  const images = [
    writeChart('scaling-log-append', {
      title: `Append rate (${WRITERS} writers) as the log grows`,
      xLabel,
      yLabel: 'events/s',
      series: [
        pick('Once event log', (point) => point.append),
        pick('raw node:sqlite inserts', (point) => point.rawInsert),
      ],
    }),
    writeChart('scaling-log-start-up', {
      title: 'Daemon start-up as the log grows',
      xLabel,
      yLabel: 'ms until ready',
      series: [pick('Once daemon', (point) => point.startUpMs)],
    }),
    writeChart('scaling-log-catch-up', {
      title: `Catch-up of a ${count(catchUpEvents)}-event conversation as the log grows`,
      xLabel,
      yLabel: 'events/s',
      series: [
        pick('Once daemon over SSE', (point) => point.catchUp),
        pick('raw node:sqlite range read', (point) => point.rawRead),
      ],
    }),
  ];

  return {
    title: 'Scaling with the log (SQLite)',
    method: `${snapshots ? "Every conversation's snapshot saved at its head after it was written, by the daemon's own code (saveConversationSnapshot of @once/server: the fold its background writer saves as a conversation grows and at shutdown), as a running daemon leaves the log" : 'No snapshots (SCALING_SNAPSHOTS=0): the log as one written before them'}. One data dir grown through ${SIZES.map(count).join(', ')} events: first the conversation caught up on (${count(catchUpEvents)} events), then conversations of 1,000 events written by the event log itself, one conversation a call, 8 in flight. At each size, ${RUNS} runs of each: the daemon (child process) started on the data dir, timed until /v1/health answers, then the first GET /v1/conversations/:id of that conversation (its snapshot, cold), then one client catching up on that conversation over SSE from offset 0, twice, the second timed (the first, right after start-up, runs on code not yet optimised); ${WRITERS} writers appending 1 event a call for ${APPEND_MS} ms (as the event-log section measures; their events stay in the log, so a size's figures are taken from the size named up to about a few hundred thousand events more). The raw limits run on a plain rowid table in its own file grown to the same number of rows. It needs about 6 GB of disk (deleted at the end); most of its time goes to writing 10M events and to the three start-ups on them; how long it took is in the notes.`,
    rows,
    notes: [
      `Writing the log (the event log's own appends): ${fills.join('; ') || 'nothing beyond the first conversation'}. On disk: ${points.map((point) => `${count(point.events)} events, ${(point.bytes / 2 ** 20).toFixed(0)} MiB`).join('; ')}.`,
      runDuration(started, loadBefore),
      `Daemon start-up on an empty data dir: ${emptyStartUp.map((ms) => ms.toFixed(0)).join(' / ')} ms. To find work a crash left open, start-up reads every conversation's head and stored snapshot summary in one query, then the events of only those whose head is beyond their snapshot or whose snapshot names open work (${snapshots ? 'none here' : 'here, without snapshots, every conversation: all its stored entries'}).`,
    ],
    images,
  };
};

export default bench;
