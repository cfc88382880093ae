/** Bounds of a group commit. */
export interface GroupCommitOptions {
  /**
   * How long, in milliseconds, the first job of a batch waits for others to join it
   * before the batch commits. 0 commits at the end of the current event-loop turn, which
   * still gathers every job submitted during that turn — including every writer the last
   * commit just woke up. Default: 0 (measured: about twice the interleaved throughput of
   * 1 ms and a third of its median latency; `npm run bench event-log`).
   */
  readonly maxDelayMs?: number;
  /**
   * The most items (events) a batch holds; reaching it commits the batch at once. A
   * single job larger than this commits alone, whole, since a job is atomic.
   * Default: 1000.
   */
  readonly maxBatchSize?: number;
}

/** Defaults of {@link GroupCommitOptions}. */
export const GROUP_COMMIT_DEFAULTS = { maxDelayMs: 0, maxBatchSize: 1000 } as const;

/**
 * Commits a batch of jobs in one transaction and returns one result per job, in order.
 * If it throws (or rejects), every job of the batch is rejected with that error.
 */
export type CommitBatch<Job, Result> = (jobs: readonly Job[]) => readonly Result[] | Promise<readonly Result[]>;

interface Entry<Job, Result> {
  readonly job: Job;
  readonly size: number;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers jobs submitted close together into batches and commits one batch at a time, in
 * submission order: a batch is the longest run of queued jobs within
 * {@link GroupCommitOptions.maxBatchSize}. Each job's promise settles only after its
 * batch's commit returned. A failed commit rejects its batch, every job queued behind it
 * and every job submitted before the next microtask. Storage-agnostic: the caller
 * supplies the commit function.
 */
export class GroupCommit<Job, Result> {
  readonly #commit: CommitBatch<Job, Result>;
  readonly #maxDelayMs: number;
  readonly #maxBatchSize: number;
  #queue: Entry<Job, Result>[] = [];
  #queuedSize = 0;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  /** The drain in progress, so that batches never overlap and stay in order. */
  #draining: Promise<void> | undefined;
  /** The error of a commit that failed since the last microtask (see {@link #failAfter}). */
  #failure: { readonly error: unknown } | undefined;

  constructor(commit: CommitBatch<Job, Result>, options: GroupCommitOptions = {}) {
    this.#commit = commit;
    this.#maxDelayMs = options.maxDelayMs ?? GROUP_COMMIT_DEFAULTS.maxDelayMs;
    this.#maxBatchSize = options.maxBatchSize ?? GROUP_COMMIT_DEFAULTS.maxBatchSize;
    if (!(this.#maxDelayMs >= 0)) throw new RangeError(`maxDelayMs must be 0 or more, got ${this.#maxDelayMs}`);
    if (!(this.#maxBatchSize >= 1)) throw new RangeError(`maxBatchSize must be 1 or more, got ${this.#maxBatchSize}`);
  }

  /**
   * Queues a job of `size` items; resolves with its result once its batch committed.
   * Rejects at once when a commit failed since the last microtask (see {@link #failAfter}).
   */
  submit(job: Job, size: number): Promise<Result> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ job, size, resolve, reject });
      this.#queuedSize += size;
      if (this.#queuedSize >= this.#maxBatchSize) this.#startDrain();
      else this.#schedule();
    });
  }

  /** Commits everything queued so far; resolves when the last of it has committed. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.#draining) await this.#draining;
      else if (this.#queue.length > 0) this.#startDrain();
      else return;
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#draining) return;
    const run = () => {
      this.#timer = undefined;
      this.#startDrain();
    };
    this.#timer = this.#maxDelayMs === 0 ? setImmediate(run) : setTimeout(run, this.#maxDelayMs);
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer as NodeJS.Timeout);
    clearImmediate(this.#timer as NodeJS.Immediate);
    this.#timer = undefined;
  }

  #startDrain(): void {
    this.#cancelTimer();
    // A drain in progress picks up whatever is queued when its current batch ends.
    if (this.#draining || this.#queue.length === 0) return;
    // Set before the first commit runs: a commit listener that appends again must queue
    // behind this drain, not start a second one inside the open transaction.
    const drained = Promise.withResolvers<void>();
    this.#draining = drained.promise;
    void this.#drain().finally(() => {
      this.#draining = undefined;
      drained.resolve();
      // Jobs that arrived during the last commit wait for companions like any other.
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#takeBatch();
      try {
        const results = await this.#commit(batch.map((entry) => entry.job));
        batch.forEach((entry, index) => {
          entry.resolve(results[index] as Result);
        });
      } catch (error) {
        this.#failAfter(error, batch);
        return;
      }
      // While a commit is synchronous, nothing new can arrive; with an asynchronous one,
      // jobs queued meanwhile form the next batch only if it is already full, so that
      // small batches still wait their delay.
      if (this.#queuedSize < this.#maxBatchSize) return;
    }
  }

  /**
   * Rejects the failed batch, every job queued behind it, and every job submitted before
   * the next microtask: a writer that does not wait for one append before the next (a
   * streaming message) learns of the failure only in a microtask, and may have sent
   * events that follow the failed ones meanwhile (a full batch commits, and fails,
   * inside `submit`); storing those would leave a hole in its stream. So each writer's
   * stored events stay a prefix of what it sent.
   */
  #failAfter(error: unknown, batch: readonly Entry<Job, Result>[]): void {
    const behind = this.#queue;
    this.#queue = [];
    this.#queuedSize = 0;
    for (const entry of [...batch, ...behind]) entry.reject(error);
    // Queued after the rejections above: each writer of the batch has learnt of the
    // failure before it ends, and a caller retrying in a loop is refused once, never
    // forever.
    if (this.#failure === undefined) queueMicrotask(() => (this.#failure = undefined));
    this.#failure = { error };
  }

  #takeBatch(): Entry<Job, Result>[] {
    let size = 0;
    let count = 0;
    for (const entry of this.#queue) {
      if (count > 0 && size + entry.size > this.#maxBatchSize) break;
      size += entry.size;
      count += 1;
    }
    const batch = this.#queue.slice(0, count);
    this.#queue = this.#queue.slice(count);
    this.#queuedSize -= size;
    return batch;
  }
}
