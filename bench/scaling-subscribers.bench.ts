// Scaling with subscribers: live fan-out of one turn to 100 … 10,000 SSE subscribers of
// one conversation through the daemon, and the bare node:http SSE server measured the same
// way in the same run; deliveries/s and the server's memory growth at each point, plotted
// as SVG curves. Run alone with `npm run bench scaling-subscribers`.
import { loadavg } from 'node:os';

import type { Bench, BenchRow } from './bench-report.ts';
import { medianOf, rowFromRuns } from './bench-report.ts';
import { pointFromRuns, runDuration, writeChart } from './support/chart-files.ts';
import { bareFanOut, type FanOutFigures, onceFanOut } from './support/fan-out.ts';
import { percentile } from './support/sse-clients.ts';

// SCALING_BENCH_QUICK=1 shrinks every figure, to check the benchmark itself works.
const quick = process.env.SCALING_BENCH_QUICK === '1';
const SUBSCRIBERS = quick ? [20, 60] : [100, 300, 1_000, 3_000, 10_000];
const RUNS = quick ? 2 : 3;
/** Deliveries a point aims at, so every point takes about as long. */
const DELIVERIES = quick ? 20_000 : 1_000_000;
/** Tokens of the demo turn: enough for `DELIVERIES`, within 100 … 2,000. */
const tokensFor = (subscribers: number) => Math.min(2_000, Math.max(100, Math.round(DELIVERIES / subscribers)));

const MEBIBYTE = 2 ** 20;
const count = (value: number) => value.toLocaleString('en-US');
const progress = (step: string) => console.error(`  scaling-subscribers: ${step}`);

const bench: Bench = async () => {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const measured: { subscribers: number; once: FanOutFigures[]; bare: FanOutFigures[] }[] = [];
  for (const subscribers of SUBSCRIBERS) {
    const once: FanOutFigures[] = [];
    const bare: FanOutFigures[] = [];
    for (let run = 1; run <= RUNS; run += 1) {
      progress(`${count(subscribers)} subscribers, run ${run}: Once`);
      const onceRun = await onceFanOut(subscribers, tokensFor(subscribers));
      once.push(onceRun);
      progress(`${count(subscribers)} subscribers, run ${run}: bare node:http`);
      bare.push(await bareFanOut(subscribers, onceRun.events));
    }
    measured.push({ subscribers, once, bare });
    const bareRate = medianOf(bare.map((figures) => figures.rate));
    rows.push(
      rowFromRuns(
        {
          what: `live fan-out, ${count(subscribers)} subscribers, ${once[0]?.events} events a turn`,
          unit: 'deliveries/s',
          limit: { what: 'bare node:http, 1 event a write (median)', value: bareRate },
          goal: '≥ 0.7 of bare',
        },
        once.map((figures) => figures.rate),
      ),
    );
    const bareGrowth = medianOf(bare.map((figures) => figures.residentGrowth / MEBIBYTE));
    rows.push(
      rowFromRuns(
        {
          what: `server RSS growth, ${count(subscribers)} subscribers connected, after the turn`,
          unit: 'MiB',
          limit: { what: 'bare node:http (median)', value: bareGrowth },
        },
        once.map((figures) => figures.residentGrowth / MEBIBYTE),
      ),
    );
    const latencies = (all: FanOutFigures[]) => all.flatMap((figures) => figures.latencies);
    notes.push(
      `${count(subscribers)} subscribers: bare node:http ${bare.map((figures) => count(Math.round(figures.rate))).join(' / ')} deliveries/s, RSS growth ${bare.map((figures) => (figures.residentGrowth / MEBIBYTE).toFixed(1)).join(' / ')} MiB; latency at the 10 sampled clients, Once p50 ${percentile(latencies(once), 0.5)} ms / p99 ${percentile(latencies(once), 0.99)} ms, bare p50 ${percentile(latencies(bare), 0.5)} ms / p99 ${percentile(latencies(bare), 0.99)} ms.`,
    );
  }

  const series = (pick: (figures: FanOutFigures) => number, scale = 1) => [
    {
      name: 'Once daemon',
      points: measured.map((point) => pointFromRuns(point.subscribers, point.once.map(pick), scale)),
    },
    {
      name: 'bare node:http SSE server',
      points: measured.map((point) => pointFromRuns(point.subscribers, point.bare.map(pick), scale)),
    },
  ];
  const images = [
    writeChart('scaling-subscribers-deliveries', {
      title: 'Live fan-out as subscribers grow',
      xLabel: 'SSE subscribers of one conversation',
      yLabel: 'deliveries/s',
      series: series((figures) => figures.rate),
    }),
    writeChart('scaling-subscribers-memory', {
      title: 'Server memory as subscribers grow',
      xLabel: 'SSE subscribers of one conversation',
      yLabel: 'RSS growth (MiB)',
      series: series((figures) => figures.residentGrowth, 1 / MEBIBYTE),
    }),
  ];

  notes.push(
    'Why Once delivers more than the bare server here: the bare server writes one event a write to every socket (the limit for that way of writing), while a Once stream pulls from the feed only when its socket has room and then writes what has accumulated in one write. The same is why its memory stays lower: the bare server never waits for a socket to drain, so at many subscribers its RSS holds the write backlog (up to subscribers × events frames queued), while a Once stream holds at most one batch; neither is the memory floor of an idle connection, which the SSE delivery section measures.',
    runDuration(started, loadBefore),
  );
  return {
    title: 'Scaling with subscribers (SSE fan-out)',
    method: `At ${SUBSCRIBERS.map(count).join(', ')} subscribers, ${RUNS} runs each: the daemon (child process, \`--demo-delay-ms 0\`, fresh data dir each run) streams one demo turn of ${DELIVERIES === 1_000_000 ? 'about 1,000,000 deliveries (100 … 2,000 tokens)' : 'a few tokens'} to every subscriber of its conversation; then the bare node:http SSE server (bench/support/bare-sse-server.ts) writes as many events, one a write, to as many subscribers. Deliveries/s = subscribers × events ÷ time from the send to the last delivery; RSS growth = the server's resident memory after the last delivery (every subscriber still connected) minus before the first connected. Clients run in the benchmark process; all three share the 2 cores. How long the run took, and how busy the machine was, is in the notes.`,
    rows,
    notes,
    images,
  };
};

export default bench;
