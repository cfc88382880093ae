import type { TimerHandle, Timers } from '../src/timers.ts';

/** Timers driven by hand: nothing fires until {@link ManualTimers.advance} passes its time. */
export interface ManualTimers extends Timers {
  /** Moves the clock forward, firing every timer that falls due, in order. */
  advance(milliseconds: number): void;
  /** The delays of the timers now waiting, in milliseconds from now. */
  pending(): number[];
  /** The manual clock's time in milliseconds. */
  time(): number;
}

export function createManualTimers(): ManualTimers {
  let now = 0;
  let nextId = 0;
  const waiting = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout(callback, milliseconds) {
      nextId += 1;
      waiting.set(nextId, { at: now + milliseconds, callback });
      return nextId;
    },
    clearTimeout(handle: TimerHandle) {
      waiting.delete(handle as number);
    },
    advance(milliseconds) {
      const until = now + milliseconds;
      for (;;) {
        const due = [...waiting.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at);
        const first = due[0];
        if (first === undefined) break;
        waiting.delete(first[0]);
        now = first[1].at;
        first[1].callback();
      }
      now = until;
    },
    pending: () => [...waiting.values()].map((timer) => timer.at - now),
    time: () => now,
  };
}
