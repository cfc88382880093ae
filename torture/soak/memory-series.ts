import { readFile } from 'node:fs/promises';

/** One reading of the daemon's memory. */
export interface MemorySample {
  /** Seconds since the soak started. */
  readonly atSeconds: number;
  /** Resident set size, from /proc/<pid>/status (VmRSS). */
  readonly rssBytes: number;
  /** V8 heap in use, from the daemon's /metrics (`nodejs_heap_size_used_bytes`). */
  readonly heapUsedBytes: number;
  /** CPU time (user + system) the daemon has used so far, in seconds, from /proc/<pid>/stat. */
  readonly cpuSeconds: number;
  /** The daemon's event-loop delay p99 as its /metrics reports it (`nodejs_eventloop_lag_p99_seconds`). */
  readonly loopDelayP99Seconds: number;
}

/** A memory series summed up: where it started, where it settled, where it ended, how it trended. */
export interface MemorySummary {
  readonly start: MemorySample;
  /** The first sample at or after the warm-up. */
  readonly afterWarmUp: MemorySample;
  readonly end: MemorySample;
  /** Least-squares slope of RSS over the samples after the warm-up, in bytes per minute. */
  readonly rssSlopePerMinute: number;
  /** The same for the V8 heap in use. */
  readonly heapSlopePerMinute: number;
  /** Both slopes under {@link FLAT_SLOPE_BYTES_PER_MINUTE}. */
  readonly flat: boolean;
}

/**
 * The largest growth after the warm-up still called flat: 1 MiB a minute. The soak runs
 * about 2,000 turns a minute, so a leak of half a kilobyte a turn, or of a few bytes per
 * event delivered, would show above it; GC's sawtooth averages out over the samples.
 */
export const FLAT_SLOPE_BYTES_PER_MINUTE = 1024 * 1024;

/** Least-squares slope of `value` over `atSeconds`, per minute; 0 for fewer than two samples. */
export function slopePerMinute(samples: readonly MemorySample[], value: (sample: MemorySample) => number): number {
  if (samples.length < 2) return 0;
  const meanX = samples.reduce((sum, sample) => sum + sample.atSeconds, 0) / samples.length;
  const meanY = samples.reduce((sum, sample) => sum + value(sample), 0) / samples.length;
  let covariance = 0;
  let variance = 0;
  for (const sample of samples) {
    covariance += (sample.atSeconds - meanX) * (value(sample) - meanY);
    variance += (sample.atSeconds - meanX) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 60;
}

/**
 * Sums up a series: start, after `warmUpSeconds`, end, and the slopes after the warm-up
 * (the first minutes fill caches, pools and the heap's young generation; they are not a leak).
 * @throws Error when there is no sample at all.
 */
export function summarizeMemory(samples: readonly MemorySample[], warmUpSeconds: number): MemorySummary {
  const start = samples[0];
  const end = samples.at(-1);
  if (start === undefined || end === undefined) throw new Error('The memory series is empty.');
  const settled = samples.filter((sample) => sample.atSeconds >= warmUpSeconds);
  const afterWarmUp = settled[0] ?? end;
  const rssSlopePerMinute = slopePerMinute(settled, (sample) => sample.rssBytes);
  const heapSlopePerMinute = slopePerMinute(settled, (sample) => sample.heapUsedBytes);
  return {
    start,
    afterWarmUp,
    end,
    rssSlopePerMinute,
    heapSlopePerMinute,
    flat: rssSlopePerMinute < FLAT_SLOPE_BYTES_PER_MINUTE && heapSlopePerMinute < FLAT_SLOPE_BYTES_PER_MINUTE,
  };
}

/** Reads the daemon's RSS and CPU time from /proc and its heap in use and event-loop delay from /metrics. */
export async function sampleMemory(pid: number, metricsUrl: string, atSeconds: number): Promise<MemorySample> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKilobytes = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  // utime and stime: the 12th and 13th fields after the command's closing parenthesis, in ticks of 1/100 s.
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  const metrics = await (await fetch(metricsUrl)).text();
  const metric = (name: string) => Number(new RegExp(`^${name}\\s+(\\S+)`, 'm').exec(metrics)?.[1] ?? Number.NaN);
  return {
    atSeconds,
    rssBytes: rssKilobytes * 1024,
    heapUsedBytes: metric('nodejs_heap_size_used_bytes'),
    cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100,
    loopDelayP99Seconds: metric('nodejs_eventloop_lag_p99_seconds'),
  };
}
