/**
 * Runs a housekeeping pass (compaction, retention) again and again, `everyMs` apart (the
 * first `firstAfterMs` after `start()`, default `everyMs`), until `stop()`, which waits
 * for a pass in progress. A failed pass is reported
 * and the next one runs as planned: such passes only ever save space, nothing waits on them.
 */
export function startPeriodicPass(
  pass: () => Promise<unknown>,
  everyMs: number,
  onError: ((error: unknown) => void) | undefined,
  firstAfterMs = everyMs,
) {
  if (!(Number.isSafeInteger(everyMs) && everyMs >= 1)) {
    throw new RangeError(`the pass interval must be a whole number of 1 or more, got ${everyMs}`);
  }
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const schedule = (afterMs: number) => {
    if (stopped) return;
    // Never keeps the process alive on its own.
    timer = setTimeout(() => {
      running = pass()
        .then(
          () => undefined,
          (error: unknown) => onError?.(error),
        )
        .finally(() => {
          running = undefined;
          schedule(everyMs);
        });
    }, afterMs).unref();
  };
  return {
    start() {
      if (timer === undefined && running === undefined) schedule(firstAfterMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
