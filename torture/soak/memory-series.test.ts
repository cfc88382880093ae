import { describe, expect, it } from 'vitest';
import { FLAT_SLOPE_BYTES_PER_MINUTE, type MemorySample, slopePerMinute, summarizeMemory } from './memory-series.ts';

const MIB = 1024 * 1024;

/** A sample every 5 s for `minutes`, RSS and heap from `at(seconds)`. */
const series = (minutes: number, at: (seconds: number) => number): MemorySample[] =>
  Array.from({ length: minutes * 12 + 1 }, (_, index) => ({
    atSeconds: index * 5,
    rssBytes: at(index * 5),
    heapUsedBytes: at(index * 5) / 2,
    cpuSeconds: index * 5,
    loopDelayP99Seconds: 0.01,
  }));

describe('the soak memory summary', () => {
  it('reads the growth per minute of a steady leak', () => {
    const leaking = series(10, (seconds) => 200 * MIB + (seconds / 60) * 3 * MIB);
    expect(slopePerMinute(leaking, (sample) => sample.rssBytes) / MIB).toBeCloseTo(3, 6);
    expect(summarizeMemory(leaking, 120).flat).toBe(false);
  });

  it('calls a sawtooth around a level flat, and leaves the warm-up climb out', () => {
    // Climbs 100 MiB in the first two minutes, then GC's sawtooth of 20 MiB around 300 MiB.
    const settling = series(10, (seconds) =>
      seconds < 120 ? 200 * MIB + (seconds / 120) * 100 * MIB : 300 * MIB + ((seconds % 30) / 30) * 20 * MIB,
    );
    const summary = summarizeMemory(settling, 120);
    expect(summary.afterWarmUp.atSeconds).toBe(120);
    expect(Math.abs(summary.rssSlopePerMinute)).toBeLessThan(FLAT_SLOPE_BYTES_PER_MINUTE);
    expect(summary.flat).toBe(true);
    expect(summarizeMemory(settling, 0).flat).toBe(false);
  });

  it('refuses an empty series', () => {
    expect(() => summarizeMemory([], 0)).toThrow(/empty/);
  });
});
