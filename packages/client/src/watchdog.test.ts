import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualTimers, type ManualTimers, withClock } from '../test/manual-timers.ts';
import { startWatchdog } from './watchdog.ts';

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
    expect(fired).toBe(0);
    timers.advance(30_000);
    expect(fired).toBe(1);
    watchdog.kick();
    timers.advance(60_000);
    expect(fired).toBe(1);
  });

  it('never fires once stopped, and leaves no timer behind', () => {
    const timers = createManualTimers();
    let fired = false;
    const watchdog = startWatchdog(timers, 10, () => {
      fired = true;
    });
    watchdog.stop();
    timers.advance(1_000);
    expect(fired).toBe(false);
    expect(timers.pending()).toEqual([]);
  });
});

describe('startWatchdog with a clock (Timers.now)', () => {
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

  /** Runs `steps` against a watchdog on `timers`; returns the clock times it fired at. */
  const run = (timers: ManualTimers, timeoutMs: number, steps: readonly Step[]): number[] => {
    const fired: number[] = [];
    const watchdog = startWatchdog(timers, timeoutMs, () => fired.push(timers.time()));
    for (const each of steps) {
      if (each.kind === 'advance') timers.advance(each.milliseconds);
      else if (each.kind === 'kick') watchdog.kick();
      else watchdog.stop();
    }
    timers.advance(2 * timeoutMs);
    return fired;
  };

  it('fires at the same moments as a watchdog that re-arms on every kick: timeoutMs after the last kick, once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40_000 }), fc.array(step, { maxLength: 60 }), (timeoutMs, steps) => {
        const clocked = run(withClock(createManualTimers()), timeoutMs, steps);
        const rearming = run(createManualTimers(), timeoutMs, steps);
        expect(clocked).toEqual(rearming);
        expect(clocked.length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('keeps one timer however many kicks arrive, and leaves none once stopped', () => {
    const timers = withClock(createManualTimers());
    let fired = 0;
    const watchdog = startWatchdog(timers, 30_000, () => {
      fired += 1;
    });
    for (let event = 0; event < 10_000; event += 1) {
      if (event % 1_000 === 0) timers.advance(1_000);
      watchdog.kick();
    }
    expect(timers.pending()).toHaveLength(1);
    expect(fired).toBe(0);
    watchdog.stop();
    expect(timers.pending()).toEqual([]);
  });

  it('waits at most one more timeout when the clock is set back, not as long as the clock jumped', () => {
    let offset = 0;
    const manual = createManualTimers();
    const timers = { ...withClock(manual), now: () => manual.time() + offset };
    let fired = false;
    const watchdog = startWatchdog(timers, 30_000, () => {
      fired = true;
    });
    timers.advance(10_000);
    watchdog.kick();
    offset = -3_600_000;
    // Due at 40,000 by the last kick; the check at 30,000 sees the clock an hour back and
    // counts the silence from then: it fires at 60,000, not an hour later.
    timers.advance(49_999);
    expect(fired).toBe(false);
    timers.advance(1);
    expect(fired).toBe(true);
  });
});
