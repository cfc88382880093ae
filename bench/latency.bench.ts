// Once's own latency goal (issue 14): a token written by a turn → applied in a client's
// store, p99 under 50 ms, with 1,000 (and 100) turns at once streaming a token every 20 ms,
// on one SQLite daemon and on two daemons sharing PostgreSQL. Daemons are child processes;
// the clients are Once's SDK, one conversation client per conversation, in this process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDaemonClient, createPostgresTestSchema } from '@once/testing';
import { type Bench, type BenchRow, medianOf, rowFromRuns } from './bench-report.ts';
import { type BareTokenRound, measureBareTokens } from './support/bare-token-rounds.ts';
import { startDaemon, stop } from './support/child-process.ts';
import { commitPercentileBound, readCommitBuckets } from './support/commit-histogram.ts';
import {
  type DeliveryCheck,
  openLatencyClients,
  RAW_SAMPLE_EVERY,
  ROUND_TIMEOUT_MS,
  type RoundResult,
} from './support/latency-clients.ts';
import { processCpuSeconds } from './support/peers/cpu-usage.ts';
import { percentile } from './support/sse-clients.ts';

// LATENCY_BENCH_QUICK=1 shrinks everything, to check the benchmark itself works.
const quick = process.env.LATENCY_BENCH_QUICK === '1';
const TOKEN_MS = 20;
const TOKENS = quick ? 20 : 100;
const RUNS = Number(process.env.LATENCY_BENCH_RUNS ?? (quick ? 2 : 3));
// LATENCY_BENCH_TURNS=100 (comma-separated) runs only those sizes.
const TURNS = process.env.LATENCY_BENCH_TURNS?.split(',').map(Number) ?? (quick ? [10, 50] : [100, 1_000]);
// LATENCY_BENCH_LOGS=sqlite (or postgres) runs only that log.
const logs = (process.env.LATENCY_BENCH_LOGS ?? 'sqlite,postgres').split(',');

/** One scenario's rounds, the warm-up left out. */
interface Scenario {
  readonly rounds: RoundResult[];
  /** Each round's daemon CPU time as a share of one core, summed over the daemons. */
  readonly daemonCpu: number[];
  /** Each round's bound on the commit time's p99, in ms, from the daemons' histogram. */
  readonly commitP99: number[];
  readonly check: DeliveryCheck;
}

async function measure(urls: readonly string[], pids: readonly number[], turns: number): Promise<Scenario> {
  const api = createDaemonClient(urls[0] as string);
  const conversationIds: string[] = [];
  for (let index = 0; index < turns; index += 50) {
    const batch = Math.min(50, turns - index);
    conversationIds.push(...(await Promise.all(Array.from({ length: batch }, () => api.createConversation()))));
  }
  const clients = await openLatencyClients({ urls, conversationIds, staggerMs: TOKEN_MS });
  try {
    await clients.round(); // warm-up: JIT, pools, the first leases
    const rounds: RoundResult[] = [];
    const daemonCpu: number[] = [];
    const commitP99: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const before = pids.map(processCpuSeconds);
      const commitsBefore = await readCommitBuckets(urls);
      const round = await clients.round();
      daemonCpu.push(
        pids.reduce((sum, pid, index) => sum + processCpuSeconds(pid) - (before[index] ?? 0), 0) / round.seconds,
      );
      commitP99.push(commitPercentileBound(commitsBefore, await readCommitBuckets(urls), 0.99));
      rounds.push(round);
    }
    return { rounds, daemonCpu, commitP99, check: await clients.check() };
  } finally {
    clients.close();
  }
}

const demoFlags = ['--demo-delay-ms', String(TOKEN_MS), '--demo-tokens', String(TOKENS)];

async function onSqlite(turns: number): Promise<Scenario> {
  const dataDir = mkdtempSync(join(tmpdir(), 'once-bench-latency-'));
  const { url, child } = await startDaemon(dataDir, demoFlags);
  try {
    return await measure([url], [child.pid ?? 0], turns);
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function onPostgres(turns: number): Promise<Scenario> {
  await using schema = await createPostgresTestSchema();
  const flags = [...demoFlags, '--database-url', schema.url];
  const dataDirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'once-bench-latency-')));
  const daemons: Awaited<ReturnType<typeof startDaemon>>[] = [];
  try {
    for (const dataDir of dataDirs) daemons.push(await startDaemon(dataDir, flags));
    return await measure(
      daemons.map((daemon) => daemon.url),
      daemons.map((daemon) => daemon.child.pid ?? 0),
      turns,
    );
  } finally {
    for (const daemon of daemons) await stop(daemon.child);
    for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
  }
}

const p = (values: readonly number[], fraction: number) => percentile(values, fraction);
const ms = (value: number) => `${value.toFixed(0)} ms`;
/** A commit percentile's bucket bound in words; past the histogram's last finite bucket, only "above" it is known. */
const commitBound = (bound: number) => (Number.isFinite(bound) ? `under ${ms(bound)}` : 'above the top bucket');
const progress = (step: string) => console.error(`  latency: ${step}`);

/** The physical limit at one size: the bare token server's figures, medians over its rounds. */
interface BareLimit {
  readonly p50: number;
  readonly p99: number;
  /** The bare server's CPU seconds per 1,000 tokens. */
  readonly cpuPerThousand: number;
}

function bareLimit(rounds: readonly BareTokenRound[]): BareLimit {
  return {
    p50: medianOf(rounds.map((round) => p(round.arrived, 0.5))),
    p99: medianOf(rounds.map((round) => p(round.arrived, 0.99))),
    cpuPerThousand: medianOf(rounds.map((round) => (round.serverCpu * round.seconds * 1000) / round.arrived.length)),
  };
}

const BARE = 'bare node:http writing the same answers to raw sockets';

/** The rows and notes of one scenario. */
function report(
  label: string,
  turns: number,
  scenario: Scenario,
  bare: BareLimit,
  rows: BenchRow[],
  notes: string[],
): void {
  const { rounds, daemonCpu, commitP99, check } = scenario;
  const all = rounds.map((round) => [...round.sameDaemon, ...round.otherDaemon]);
  const what = `${label}, ${turns.toLocaleString('en-US')} turns at once`;
  rows.push(
    rowFromRuns(
      { what: `${what}: token written → applied in the client store, p50`, unit: 'ms' },
      all.map((values) => p(values, 0.5)),
    ),
  );
  rows.push(
    rowFromRuns(
      {
        what: `${what}: token written → applied in the client store, p99`,
        unit: 'ms',
        goal: '< 50 ms',
        limit: { what: `${BARE}, p99 on arrival`, value: bare.p99 },
      },
      all.map((values) => p(values, 0.99)),
    ),
  );
  rows.push(
    rowFromRuns(
      {
        what: `${what}: token written → arrival on a raw socket (before the SDK; every ${RAW_SAMPLE_EVERY}th conversation), p99`,
        unit: 'ms',
        limit: { what: `${BARE}, p99 on arrival`, value: bare.p99 },
      },
      rounds.map((round) => p(round.arrived, 0.99)),
    ),
  );
  if (rounds.some((round) => round.otherDaemon.length > 0)) {
    rows.push(
      rowFromRuns(
        {
          what: `${what}: p99 of clients following the daemon not running the turn (LISTEN/NOTIFY)`,
          unit: 'ms',
          goal: '< 50 ms',
        },
        rounds.map((round) => p(round.otherDaemon, 0.99)),
      ),
    );
    rows.push(
      rowFromRuns(
        { what: `${what}: p99 of clients following the daemon running the turn`, unit: 'ms', goal: '< 50 ms' },
        rounds.map((round) => p(round.sameDaemon, 0.99)),
      ),
    );
  }
  // CPU per token: what the daemons (and the client process) spent a round, over the tokens it timed.
  const perThousand = (cores: readonly number[]) =>
    rounds.map((round, index) => ((cores[index] ?? 0) * round.seconds * 1000) / Math.max(1, all[index]?.length ?? 0));
  rows.push(
    rowFromRuns(
      {
        what: `${what}: daemon CPU per 1,000 tokens`,
        unit: 'CPU s',
        limit: { what: `${BARE}, its CPU per 1,000 tokens`, value: bare.cpuPerThousand },
      },
      perThousand(daemonCpu),
    ),
    rowFromRuns(
      { what: `${what}: client process CPU per 1,000 tokens (every SDK client)`, unit: 'CPU s' },
      perThousand(rounds.map((round) => round.clientCpu)),
    ),
  );
  const tokens = medianOf(all.map((values) => values.length));
  notes.push(
    `${what}: ${tokens.toLocaleString('en-US')} tokens timed a round (median), max ${ms(medianOf(all.map((values) => Math.max(...values))))}; ` +
      `ts → arrival on a raw socket (before the SDK; every ${RAW_SAMPLE_EVERY}th conversation) p50 ${ms(medianOf(rounds.map((round) => p(round.arrived, 0.5))))}, p99 ${ms(medianOf(rounds.map((round) => p(round.arrived, 0.99))))}; ` +
      `append → commit p99 ${commitBound(medianOf(commitP99))} (the daemons' histogram); ` +
      `daemon CPU ${medianOf(daemonCpu).toFixed(2)} cores, client process CPU ${medianOf(rounds.map((round) => round.clientCpu)).toFixed(2)} cores, ` +
      `client event-loop delay p99 ${ms(medianOf(rounds.map((round) => round.loopDelayP99)))} (max ${ms(Math.max(...rounds.map((round) => round.loopDelayMax)))}); ` +
      `${rounds.reduce((sum, round) => sum + round.unfinished, 0)} answers unfinished at the rounds' ${ROUND_TIMEOUT_MS / 1000} s limit; ` +
      `at the end ${check.lost} events lost, ${check.duplicates} duplicates ignored, ${check.refused} gaps refused, ${check.differing} stores differing from the daemon's snapshot.`,
  );
}

const bench: Bench = async () => {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const limits = new Map<number, BareLimit>();
  for (const turns of TURNS) {
    progress(`bare node:http, ${turns} streams`);
    const bare = bareLimit(
      await measureBareTokens({ streams: turns, tokens: TOKENS, tokenMs: TOKEN_MS, staggerMs: TOKEN_MS, rounds: RUNS }),
    );
    limits.set(turns, bare);
    notes.push(
      `The physical limit at ${turns.toLocaleString('en-US')} streams (bench/support/bare-token-server.ts): a bare node:http server streams the same answers (a timer per answer, a token every ${TOKEN_MS} ms, each a \`block_delta\`-shaped SSE frame stamped with \`ts\` and written as it is made; no log, no commit, no reducer) to raw socket readers in the benchmark process: ` +
        `ts → arrival p50 ${ms(bare.p50)}, p99 ${ms(bare.p99)}; the server's CPU ${bare.cpuPerThousand.toFixed(4)} s per 1,000 tokens (medians of ${RUNS} rounds after a warm-up).`,
    );
  }
  for (const log of logs) {
    for (const turns of TURNS) {
      progress(`${log}, ${turns} turns`);
      const scenario = log === 'postgres' ? await onPostgres(turns) : await onSqlite(turns);
      const bare = limits.get(turns) as BareLimit;
      report(
        log === 'postgres' ? 'two daemons on PostgreSQL' : 'one daemon on SQLite',
        turns,
        scenario,
        bare,
        rows,
        notes,
      );
      // Each scenario's figures as soon as they are known, should a later one not finish.
      progress(JSON.stringify({ rows: rows.slice(-4), notes: notes.slice(-1) }));
    }
  }
  return {
    title: 'Latency: token written → applied in a client store (issue 14)',
    method:
      `Daemons as child processes with the demo model at ${TOKEN_MS} ms a token, ${TOKENS} tokens an answer; one SQLite daemon, or two daemons sharing a fresh PostgreSQL schema. ` +
      `Clients: Once's SDK (createClient().conversation()), one per conversation, all in the benchmark process; on PostgreSQL half follow each daemon, and every message is sent to the first daemon, which takes the lease and runs the turn, so half the clients get their tokens through LISTEN/NOTIFY. ` +
      `A round sends one message in every conversation, spread over one token interval, and waits for every answer; ${RUNS} rounds after a warm-up round, each round's percentile over every token of every turn, median and spread over the rounds. ` +
      "Latency runs from the `block_delta` event's `ts` (stamped by the turn's message writer when it writes the token, before the append and its commit; milliseconds) to the moment the store's subscriber runs after applying it (Date.now() in the client). About 2–3 minutes on a quiet machine.",
    rows,
    notes,
  };
};

export default bench;
