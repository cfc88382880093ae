/**
 * Runs work per key in batches: whatever was submitted for a key while its previous batch
 * ran goes into the next one, handed over whole. One batch per key runs at a time, so a
 * batch sees everything the batches before it did; under load a batch grows instead of a
 * queue of one-at-a-time rounds, the way group commit turns many appends into one.
 *
 * ```
 * submit ──► pending[key] ──(no batch running)──► run(key, all pending) ──► next batch, if any
 * ```
 */
export interface KeyedBatches<Job> {
  /** Queues `job` for `key`; it runs in the next batch of that key. */
  submit(key: string, job: Job): void;
}

/**
 * `run` receives a batch and settles every job in it itself; it should not throw (a throw
 * is handed to `onError` and the next batch still runs).
 */
export function createKeyedBatches<Job>(
  run: (key: string, jobs: readonly Job[]) => Promise<void>,
  onError: (error: unknown) => void,
): KeyedBatches<Job> {
  const pending = new Map<string, Job[]>();
  const running = new Set<string>();

  const drain = async (key: string) => {
    running.add(key);
    try {
      // Jobs submitted in the same tick as the first join its batch.
      await Promise.resolve();
      for (let jobs = pending.get(key); jobs !== undefined; jobs = pending.get(key)) {
        pending.delete(key);
        await run(key, jobs).catch(onError);
      }
    } finally {
      running.delete(key);
    }
  };

  return {
    submit(key, job) {
      const jobs = pending.get(key);
      if (jobs === undefined) pending.set(key, [job]);
      else jobs.push(job);
      if (!running.has(key)) void drain(key);
    },
  };
}
