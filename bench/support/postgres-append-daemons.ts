// Several daemons appending to one PostgreSQL database at once, each a process of its own
// with its own conversations: their summed throughput and the worst of their latencies.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { AppendFigures, AppendLoad } from './event-log-load.ts';

/** The figures of several daemons appending together. */
export interface DaemonsFigures {
  /** Events per second, summed over the daemons. */
  readonly rate: number;
  /** The highest of the daemons' median and 99th-percentile latencies, in milliseconds. */
  readonly p50: number;
  readonly p99: number;
}

/**
 * Starts `daemons` processes on the database at `url` (each opens its own log on it),
 * lets them all start appending at the same moment, each with `load`, and sums their figures.
 */
export async function measureDaemonsAppending(
  url: string,
  daemons: number,
  load: AppendLoad,
  batchesInFlight: number,
  minOverlapSize = 1,
): Promise<DaemonsFigures> {
  const children = Array.from({ length: daemons }, () =>
    spawn(
      process.execPath,
      [
        `${import.meta.dirname}/postgres-append-process.ts`,
        url,
        String(load.conversations),
        String(load.durationMs),
        String(load.eventsPerAppend),
        String(batchesInFlight),
        String(minOverlapSize),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    ),
  );
  try {
    const outputs = children.map((child) => {
      const lines = createInterface({ input: child.stdout });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const died = exited.then((code) => {
        throw new Error(`an appending process exited early, with ${code}`);
      });
      const next = () => Promise.race([new Promise<string>((resolve) => lines.once('line', resolve)), died]);
      return { child, next, exited };
    });
    const readies = outputs.map((output) => output.next());
    await Promise.all(readies);
    const results = outputs.map((output) => output.next());
    for (const { child } of outputs) child.stdin.write('go\n');
    const figures = (await Promise.all(results)).map((line) => JSON.parse(line) as AppendFigures);
    const codes = await Promise.all(outputs.map((output) => output.exited));
    if (codes.some((code) => code !== 0)) throw new Error(`an appending process exited with ${codes.join(', ')}`);
    return {
      rate: figures.reduce((sum, figure) => sum + figure.rate, 0),
      p50: Math.max(...figures.map((figure) => figure.p50)),
      p99: Math.max(...figures.map((figure) => figure.p99)),
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
