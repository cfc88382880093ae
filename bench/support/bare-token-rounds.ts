// The latency benchmark's physical limit, measured: bench/support/bare-token-server.ts
// streams the same schedule of answers as the daemons' turns (a token every `tokenMs`,
// answers spread over `staggerMs`) to raw socket readers in this process, which time each
// token from its `ts` to its arrival, as the benchmark's raw readers time Once's.
import { request } from 'node:http';
import { startBareServer, stop } from './child-process.ts';
import { processCpuSeconds } from './peers/cpu-usage.ts';

/** Options of {@link measureBareTokens}. */
export interface BareTokenOptions {
  readonly streams: number;
  readonly tokens: number;
  readonly tokenMs: number;
  readonly staggerMs: number;
  /** Rounds measured, after one warm-up round. */
  readonly rounds: number;
}

/** One measured round of the bare server. */
export interface BareTokenRound {
  /** Milliseconds from each token's `ts` to its arrival on the reader's socket. */
  readonly arrived: number[];
  /** The bare server's CPU time during the round, as a share of one core. */
  readonly serverCpu: number;
  readonly seconds: number;
}

/** Runs the bare server's rounds on `streams` raw readers; the server is stopped at the end. */
export async function measureBareTokens(options: BareTokenOptions): Promise<BareTokenRound[]> {
  const { url, child } = await startBareServer('bare-token-server.ts');
  const readers: BareReader[] = [];
  try {
    // A hundred at a time, as the benchmark opens Once's clients.
    for (let index = 0; index < options.streams; index += 100) {
      const batch = Array.from({ length: Math.min(100, options.streams - index) }, (_, offset) =>
        openReader(`${url}/events/${index + offset}`),
      );
      await Promise.all(batch.map((reader) => reader.ready));
      readers.push(...batch);
    }
    const rounds: BareTokenRound[] = [];
    for (let round = 0; round <= options.rounds; round += 1) {
      const arrived: number[] = [];
      for (const reader of readers) reader.report = (latency) => arrived.push(latency);
      const done = readers.map((reader) => reader.nextDone());
      const cpuBefore = processCpuSeconds(child.pid ?? 0);
      const started = performance.now();
      const query = new URLSearchParams({
        streams: String(options.streams),
        tokens: String(options.tokens),
        tokenMs: String(options.tokenMs),
        staggerMs: String(options.staggerMs),
      });
      await fetch(`${url}/round?${query}`, { method: 'POST' }).then((response) => response.text());
      await Promise.all(done);
      const seconds = (performance.now() - started) / 1000;
      // Round 0 warms up the JIT and the sockets, and is not kept.
      if (round > 0)
        rounds.push({ arrived, serverCpu: (processCpuSeconds(child.pid ?? 0) - cpuBefore) / seconds, seconds });
    }
    return rounds;
  } finally {
    for (const reader of readers) reader.close();
    await stop(child);
  }
}

interface BareReader {
  readonly ready: Promise<void>;
  report: (latency: number) => void;
  /** Resolves at the next answer's `done` frame. */
  nextDone(): Promise<void>;
  close(): void;
}

/** A raw event stream that reports, for each `block_delta`, the milliseconds from its `ts` to its arrival. */
function openReader(url: string): BareReader {
  let onDone: (() => void) | undefined;
  const ready = Promise.withResolvers<void>();
  const reader: BareReader = {
    ready: ready.promise,
    report: () => undefined,
    nextDone: () => new Promise((resolve) => (onDone = resolve)),
    close: () => outgoing.destroy(),
  };
  const outgoing = request(url, { headers: { accept: 'text/event-stream' }, agent: false }, (response) => {
    let tail = '';
    response.setEncoding('utf8');
    ready.resolve();
    response.on('data', (chunk: string) => {
      const arrival = Date.now();
      const frames = (tail + chunk).split('\n\n');
      tail = frames.pop() ?? '';
      for (const frame of frames) {
        if (frame.startsWith('event: done')) onDone?.();
        const ts = /"ts":"([^"]+)"/.exec(frame)?.[1];
        if (ts !== undefined) reader.report(arrival - Date.parse(ts));
      }
    });
  });
  outgoing.on('error', ready.reject);
  outgoing.end();
  return reader;
}
