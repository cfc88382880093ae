import type { TimerHandle, Timers } from './timers.ts';

/** A timer that fires unless it is kicked often enough. */
export interface Watchdog {
  /** Something arrived: start the wait again. */
  kick(): void;
  /** Stops for good; `onSilence` will not be called. */
  stop(): void;
}

/** How many checks a timeout is cut into: the watchdog fires at most this fraction of it late. */
export const WATCHDOG_CHECKS = 4;

/**
 * Calls `onSilence` once when `kick()` has not been called for `timeoutMs`. The connection
 * kicks it on every item it reads; the daemon sends a heartbeat comment at least every
 * heartbeat interval, so a silence of two intervals means the connection is dead even
 * if the socket has not noticed (a laptop lid closed, a proxy that stopped forwarding).
 *
 * A kick only sets a flag: it reads no clock and arms no timer, so a stream of a million
 * events a second pays next to nothing for it (decision 032). One timer checks the flag
 * every `timeoutMs / WATCHDOG_CHECKS` and fires at the first check after
 * {@link WATCHDOG_CHECKS} checks in a row found no kick: between `timeoutMs` and
 * `timeoutMs × (1 + 1 / WATCHDOG_CHECKS)` after the last kick, and `timeoutMs` after the
 * start when nothing ever came.
 */
export function startWatchdog(timers: Timers, timeoutMs: number, onSilence: () => void): Watchdog {
  const period = timeoutMs / WATCHDOG_CHECKS;
  let kicked = false;
  let quiet = 0;
  let stopped = false;
  let handle: TimerHandle | undefined;
  const check = () => {
    handle = undefined;
    if (stopped) return;
    quiet = kicked ? 0 : quiet + 1;
    kicked = false;
    if (quiet >= WATCHDOG_CHECKS) {
      stopped = true;
      onSilence();
      return;
    }
    handle = timers.setTimeout(check, period);
  };
  handle = timers.setTimeout(check, period);
  return {
    kick() {
      kicked = true;
    },
    stop() {
      stopped = true;
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
    },
  };
}
