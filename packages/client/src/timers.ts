/** An opaque handle from {@link Timers.setTimeout}. */
export type TimerHandle = unknown;

/**
 * The clock the connection waits on. Injected so tests can run reconnects and the
 * heartbeat watchdog on fake time.
 */
export interface Timers {
  /** Calls `callback` once after `milliseconds`. */
  setTimeout(callback: () => void, milliseconds: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * The time in milliseconds on the clock `setTimeout` counts on (any origin). Optional:
   * with it the heartbeat watchdog notes the time of each byte instead of re-arming a
   * timer for each, which is most of a fast stream's cost; without it, it re-arms.
   */
  now?(): number;
}

/**
 * The platform's timers (`globalThis.setTimeout`, `Date.now`), looked up at each call so
 * fake timers apply (they fake `Date` with `setTimeout`).
 */
export const systemTimers: Timers = {
  setTimeout: (callback, milliseconds) => globalThis.setTimeout(callback, milliseconds),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  now: () => Date.now(),
};

/** Resolves after `milliseconds`, or as soon as `signal` aborts (never rejects). */
export function sleep(timers: Timers, milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      timers.clearTimeout(handle);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const handle = timers.setTimeout(done, milliseconds);
    signal.addEventListener('abort', done, { once: true });
  });
}
