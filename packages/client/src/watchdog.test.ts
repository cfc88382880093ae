import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualTimers } from '../test/manual-timers.ts';
import { startWatchdog, WATCHDOG_CHECKS } from './watchdog.ts';

/** The latest a watchdog may fire after the last kick: one check period past the timeout. */
const latest = (timeoutMs: number) => timeoutMs + timeoutMs / WATCHDOG_CHECKS;

describe('startWatchdog', () => {
  it('fires once after a full silence, not while it is kicked', () => {
    const timers = createManualTimers();
    let fired = 0;
    const watchdog = startWatchdog(timers, 30_000, () => {
      fired += 1;
    });
    for (let beat = 0; beat < 100; beat += 1) {
      timers.advance(20_000);
      watchdog.kick();
    }
    timers.advance(30_000 - 1);
    expect(fired).toBe(0);
    timers.advance(latest(30_000) - (30_000 - 1));
    expect(fired).toBe(1);
    watchdog.kick();
    timers.advance(60_000);
    expect(fired).toBe(1);
  });

  it('fires exactly timeoutMs after the start when nothing ever came', () => {
    const timers = createManualTimers();
    let fired = false;
    startWatchdog(timers, 30_000, () => {
      fired = true;
    });
    timers.advance(29_999);
    expect(fired).toBe(false);
    timers.advance(1);
    expect(fired).toBe(true);
  });

  it('keeps one timer however many kicks arrive, and leaves none once stopped', () => {
    const timers = createManualTimers();
    let fired = false;
    const watchdog = startWatchdog(timers, 30_000, () => {
      fired = true;
    });
    for (let event = 0; event < 10_000; event += 1) {
      if (event % 1_000 === 0) timers.advance(1_000);
      watchdog.kick();
    }
    expect(timers.pending()).toHaveLength(1);
    expect(fired).toBe(false);
    watchdog.stop();
    timers.advance(1_000_000);
    expect(fired).toBe(false);
    expect(timers.pending()).toEqual([]);
  });
});

describe('startWatchdog (properties)', () => {
  type Step = { readonly kind: 'advance'; readonly milliseconds: number } | { readonly kind: 'kick' | 'stop' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .integer({ min: 0, max: 45_000 })
        .map((milliseconds) => ({ kind: 'advance', milliseconds }) as const),
    },
    { weight: 6, arbitrary: fc.constant({ kind: 'kick' } as const) },
    { weight: 1, arbitrary: fc.constant({ kind: 'stop' } as const) },
  );

  it('fires at most once, never before timeoutMs of silence, and by one check period after it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40_000 }), fc.array(step, { maxLength: 60 }), (timeoutMs, steps) => {
        const timers = createManualTimers();
        const fired: number[] = [];
        const watchdog = startWatchdog(timers, timeoutMs, () => fired.push(timers.time()));
        // The start counts as a kick; a kick or stop is taken at the manual clock's time.
        const kicks = [0];
        let stoppedAt = Number.POSITIVE_INFINITY;
        for (const each of steps) {
          if (each.kind === 'advance') timers.advance(each.milliseconds);
          else if (each.kind === 'kick') {
            watchdog.kick();
            if (fired.length === 0 && timers.time() < stoppedAt) kicks.push(timers.time());
          } else {
            watchdog.stop();
            stoppedAt = Math.min(stoppedAt, timers.time());
          }
        }
        const end = timers.time() + 2 * timeoutMs;
        timers.advance(2 * timeoutMs);

        expect(fired.length).toBeLessThanOrEqual(1);
        const at = fired[0];
        if (at !== undefined) {
          // Never early: the last kick before it was at least timeoutMs before.
          const lastKick = Math.max(...kicks.filter((kick) => kick <= at));
          expect(at - lastKick).toBeGreaterThanOrEqual(timeoutMs);
          expect(at).toBeLessThanOrEqual(stoppedAt);
        }
        // Never late: the first silence of a whole period past the timeout, before any stop, ends in a firing.
        const quietUntil = [...kicks.slice(1), Math.min(stoppedAt, end)];
        const long = kicks.findIndex((kick, index) => (quietUntil[index] as number) - kick >= latest(timeoutMs));
        if (long !== -1) {
          expect(at).toBeDefined();
          expect(at as number).toBeLessThanOrEqual((kicks[long] as number) + latest(timeoutMs));
        }
      }),
      { numRuns: 500 },
    );
  });
});
