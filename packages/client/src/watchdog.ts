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
 *
 * With a clock ({@link Timers.now}) a kick only notes the time: the one timer, when it
 * falls due, measures the silence since the last kick and waits again for the rest of
 * it, so a stream of thousands of events a second arms a timer once per `timeoutMs`
 * instead of once per event. Without a clock each kick re-arms the timer. Both fire at
 * the same moment: `timeoutMs` after the last kick.
 */
export function startWatchdog(timers: Timers, timeoutMs: number, onSilence: () => void): Watchdog {
  if (timers.now === undefined) return startRearmingWatchdog(timers, timeoutMs, onSilence);
  const clock = () => (timers.now as () => number).call(timers);
  let handle: TimerHandle | undefined;
  let stopped = false;
  let lastKick = clock();
  const check = () => {
    handle = undefined;
    if (stopped) return;
    const now = clock();
    // A clock set back since the last kick: count the silence from now, so the watchdog
    // waits at most one more timeout instead of as long as the clock jumped.
    if (now < lastKick) lastKick = now;
    const silent = now - lastKick;
    if (silent >= timeoutMs) {
      stopped = true;
      onSilence();
      return;
    }
    handle = timers.setTimeout(check, timeoutMs - silent);
  };
  handle = timers.setTimeout(check, timeoutMs);
  return {
    kick() {
      if (!stopped) lastKick = clock();
    },
    stop() {
      stopped = true;
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
    },
  };
}

/** The watchdog for timers without a clock: every kick clears the timer and arms a new one. */
function startRearmingWatchdog(timers: Timers, timeoutMs: number, onSilence: () => void): Watchdog {
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
