import { describe, expect, it } from 'vitest';
import { createManualTimers } from '../test/manual-timers.ts';
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
