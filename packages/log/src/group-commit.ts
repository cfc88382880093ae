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
 * Commits a batch of jobs in one transaction and returns one result per job, in order: an
 * `Error` in a job's place rejects that job alone (the commit refused it and stored
 * nothing of it; the other jobs resolve). If it throws (or rejects), every job of the
 * batch is rejected with that error.
 */
export type CommitBatch<Job, Result> = (
  jobs: readonly Job[],
) => readonly (Result | Error)[] | Promise<readonly (Result | Error)[]>;

/**
 * More than one batch committing at once (PostgreSQL, where each batch is a transaction on
 * a connection of its own). Jobs of one key (a stream) still commit in submission order:
 * a key is in at most one batch in flight, and a job waits while its key is.
 */
export interface GroupCommitLanes<Job> {
  /** The most batches committing at once; 1 commits one batch at a time. */
  readonly lanes: number;
  /** The key that orders jobs: jobs with the same key commit in submission order. */
  readonly keyOf: (job: Job) => string;
  /**
   * The fewest queued items (events) that start a batch beside one in flight, and the
   * smallest share when free lanes split what is queued; fewer wait for a lane to end
   * (every batch costs work of its own on both sides). 1: any. Default: 1.
   */
  readonly minOverlapSize?: number;
}

interface Entry<Job, Result> {
  readonly job: Job;
  readonly size: number;
  readonly key: string | undefined;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers jobs submitted close together into batches and commits them in submission
 * order: a batch is the longest run of queued jobs within
 * {@link GroupCommitOptions.maxBatchSize}. By default one batch commits at a time; with
 * {@link GroupCommitLanes} several may, on disjoint keys, each job still after every
 * earlier job of its key. Each job's promise settles only after its batch's commit
 * returned. A failed commit rejects its batch, every job queued behind it and every job
 * submitted before the next microtask. Storage-agnostic: the caller supplies the commit
 * function.
 */
export class GroupCommit<Job, Result> {
  readonly #commit: CommitBatch<Job, Result>;
  readonly #maxDelayMs: number;
  readonly #maxBatchSize: number;
  readonly #lanes: number;
  readonly #keyOf: ((job: Job) => string) | undefined;
  readonly #minOverlapSize: number;
  #queue: Entry<Job, Result>[] = [];
  #queuedSize = 0;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  /** Batches committing now. */
  #running = 0;
  /** The keys of the jobs in those batches. */
  readonly #busyKeys = new Set<string>();
  /** Settles when a batch in flight ends, for {@link flush}. */
  #laneEnded = Promise.withResolvers<void>();
  /** The error of a commit that failed since the last microtask (see {@link #failAfter}). */
  #failure: { readonly error: unknown } | undefined;

  constructor(commit: CommitBatch<Job, Result>, options: GroupCommitOptions = {}, lanes?: GroupCommitLanes<Job>) {
    this.#commit = commit;
    this.#maxDelayMs = options.maxDelayMs ?? GROUP_COMMIT_DEFAULTS.maxDelayMs;
    this.#maxBatchSize = options.maxBatchSize ?? GROUP_COMMIT_DEFAULTS.maxBatchSize;
    this.#lanes = lanes?.lanes ?? 1;
    this.#keyOf = lanes?.keyOf;
    this.#minOverlapSize = lanes?.minOverlapSize ?? 1;
    if (!(this.#maxDelayMs >= 0)) throw new RangeError(`maxDelayMs must be 0 or more, got ${this.#maxDelayMs}`);
    if (!(this.#maxBatchSize >= 1)) throw new RangeError(`maxBatchSize must be 1 or more, got ${this.#maxBatchSize}`);
    if (!Number.isSafeInteger(this.#lanes) || this.#lanes < 1) {
      throw new RangeError(`lanes must be a whole number of 1 or more, got ${this.#lanes}`);
    }
    if (!(this.#minOverlapSize >= 1)) {
      throw new RangeError(`minOverlapSize must be 1 or more, got ${this.#minOverlapSize}`);
    }
  }

  /**
   * Queues a job of `size` items; resolves with its result once its batch committed.
   * Rejects at once when a commit failed since the last microtask (see {@link #failAfter}).
   */
  submit(job: Job, size: number): Promise<Result> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ job, size, key: this.#keyOf?.(job), resolve, reject });
      this.#queuedSize += size;
      if (this.#queuedSize >= this.#maxBatchSize) this.#startDrain();
      else this.#schedule();
    });
  }

  /** Commits everything queued so far; resolves when the last of it has committed. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.#running > 0) await this.#laneEnded.promise;
      else if (this.#queue.length > 0) this.#startDrain();
      else return;
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#running >= this.#lanes) return;
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

  /** Starts batches from the queue while lanes are free and queued jobs may go. */
  #startDrain(): void {
    this.#cancelTimer();
    while (this.#running < this.#lanes && this.#queue.length > 0) {
      if (this.#running > 0 && this.#queuedSize < this.#minOverlapSize) return;
      // Free lanes share what is queued, so that batches overlap from the start, in
      // shares of at least minOverlapSize.
      const free = this.#lanes - this.#running;
      const shares = Math.max(1, Math.min(free, Math.floor(this.#queuedSize / this.#minOverlapSize)));
      const limit = Math.min(this.#maxBatchSize, Math.ceil(this.#queuedSize / shares));
      const batch = this.#takeBatch(limit);
      if (batch.length === 0) return;
      // Counted before the commit runs: a commit listener that appends again must queue
      // behind this batch, not start another one inside the open transaction.
      this.#running += 1;
      for (const entry of batch) if (entry.key !== undefined) this.#busyKeys.add(entry.key);
      void this.#run(batch);
    }
  }

  async #run(batch: readonly Entry<Job, Result>[]): Promise<void> {
    let failed = false;
    try {
      const results = await this.#commit(batch.map((entry) => entry.job));
      batch.forEach((entry, index) => {
        const result = results[index] as Result | Error;
        if (result instanceof Error) entry.reject(result);
        else entry.resolve(result);
      });
    } catch (error) {
      failed = true;
      this.#failAfter(error, batch);
    }
    this.#running -= 1;
    for (const entry of batch) if (entry.key !== undefined) this.#busyKeys.delete(entry.key);
    const ended = this.#laneEnded;
    this.#laneEnded = Promise.withResolvers<void>();
    ended.resolve();
    if (failed) return;
    // While a commit is synchronous, nothing new can arrive; with an asynchronous one,
    // jobs queued meanwhile form the next batch at once only if it is already full, so
    // that small batches still wait their delay.
    if (this.#queuedSize >= this.#maxBatchSize) this.#startDrain();
    else if (this.#queue.length > 0) this.#schedule();
  }

  /**
   * Rejects the failed batch, every job queued behind it, and every job submitted before
   * the next microtask: a writer that does not wait for one append before the next (a
   * streaming message) learns of the failure only in a microtask, and may have sent
   * events that follow the failed ones meanwhile (a full batch commits, and fails,
   * inside `submit`); storing those would leave a hole in its stream. So each writer's
   * stored events stay a prefix of what it sent. Other batches in flight hold other keys
   * and finish as they would have.
   */
  #failAfter(error: unknown, batch: readonly Entry<Job, Result>[]): void {
    const behind = this.#queue;
    this.#queue = [];
    this.#queuedSize = 0;
    this.#cancelTimer();
    for (const entry of [...batch, ...behind]) entry.reject(error);
    // Queued after the rejections above: each writer of the batch has learnt of the
    // failure before it ends, and a caller retrying in a loop is refused once, never
    // forever.
    if (this.#failure === undefined) queueMicrotask(() => (this.#failure = undefined));
    this.#failure = { error };
  }

  /**
   * The longest run of queued jobs within `limit` items (a first job larger than it goes
   * alone), passing over jobs whose key is in a batch in flight — and every later job of
   * that key, which must not commit before them.
   */
  #takeBatch(limit: number): Entry<Job, Result>[] {
    const batch: Entry<Job, Result>[] = [];
    const waiting: Entry<Job, Result>[] = [];
    const passed = new Set<string>();
    let size = 0;
    let index = 0;
    for (; index < this.#queue.length; index += 1) {
      const entry = this.#queue[index] as Entry<Job, Result>;
      if (entry.key !== undefined && (this.#busyKeys.has(entry.key) || passed.has(entry.key))) {
        passed.add(entry.key);
        waiting.push(entry);
        continue;
      }
      if (batch.length > 0 && size + entry.size > limit) break;
      size += entry.size;
      batch.push(entry);
    }
    this.#queue = [...waiting, ...this.#queue.slice(index)];
    this.#queuedSize -= size;
    return batch;
  }
}
