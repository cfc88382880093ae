import type { TimerHandle, Timers } from './timers.ts';

/** A timer that fires unless it is kicked often enough. */
export interface Watchdog {
  /** Something arrived: start the wait again. */
  kick(): void;
  /** Stops for good; `onSilence` will not be called. */
  stop(): void;
}

/**
 * Calls `onSilence` once if `kick()` is not called for `timeoutMs`. The connection kicks
 * it on every byte it reads; the daemon sends a heartbeat comment at least every
 * heartbeat interval, so a silence of two intervals means the connection is dead even
 * if the socket has not noticed (a laptop lid closed, a proxy that stopped forwarding).
 */
export function startWatchdog(timers: Timers, timeoutMs: number, onSilence: () => void): Watchdog {
  let handle: TimerHandle | undefined;
  let stopped = false;
  const arm = () => {
    handle = timers.setTimeout(() => {
      handle = undefined;
      if (stopped) return;
      stopped = true;
      onSilence();
    }, timeoutMs);
  };
  arm();
  return {
    kick() {
      if (stopped) return;
      if (handle !== undefined) timers.clearTimeout(handle);
      arm();
    },
    stop() {
      stopped = true;
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
    },
  };
}
