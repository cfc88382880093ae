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
}

/** The platform's timers (`globalThis.setTimeout`), looked up at each call so fake timers apply. */
export const systemTimers: Timers = {
  setTimeout: (callback, milliseconds) => globalThis.setTimeout(callback, milliseconds),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
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
