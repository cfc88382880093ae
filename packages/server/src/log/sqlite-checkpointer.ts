import { statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

/** When the write-ahead log is copied back into the database file. */
export interface CheckpointOptions {
  /**
   * After this many bytes of events committed, a checkpoint runs on a worker thread, so
   * the copy and the fsync that ends it never hold a commit back. Default: 4 MiB (about
   * SQLite's own 1,000 pages).
   */
  readonly checkpointBytes?: number;
}

/** Defaults of {@link CheckpointOptions}. */
export const CHECKPOINT_DEFAULTS = { checkpointBytes: 4 * 1024 * 1024 } as const;

/**
 * Past this many checkpoint intervals of write-ahead log on disk, the writer checkpoints
 * itself (blocking, once): a passive checkpoint beside a busy writer copies most frames
 * but rarely lets the log start over, so under endless load the file would grow without
 * this bound.
 */
const WAL_BOUND_INTERVALS = 16;

/**
 * Takes WAL checkpoints off the commit path. The writing connection's automatic
 * checkpoint is switched off; a worker thread with its own connection runs passive
 * checkpoints as bytes are committed (started on first need, so short-lived logs never
 * start one). Because a passive checkpoint beside a busy writer seldom lets the
 * write-ahead log restart, the writer restarts it itself when the file passes a bound.
 */
export class SqliteCheckpointer {
  readonly #database: DatabaseSync;
  readonly #path: string;
  readonly #checkpointBytes: number;
  #worker: Worker | undefined;
  #inFlight = false;
  #bytesSinceCheckpoint = 0;
  #bytesSinceSizeCheck = 0;
  #overBound = false;

  constructor(database: DatabaseSync, path: string, options: CheckpointOptions) {
    this.#database = database;
    this.#path = path;
    this.#checkpointBytes = options.checkpointBytes ?? CHECKPOINT_DEFAULTS.checkpointBytes;
    if (!(this.#checkpointBytes >= 1)) {
      throw new RangeError(`checkpointBytes must be 1 or more, got ${this.#checkpointBytes}`);
    }
    database.exec('PRAGMA wal_autocheckpoint = 0');
  }

  /** Tells the checkpointer a transaction committed about `bytes` of events. */
  afterCommit(bytes: number): void {
    this.#bytesSinceCheckpoint += bytes;
    this.#bytesSinceSizeCheck += bytes;
    if (this.#bytesSinceSizeCheck >= this.#checkpointBytes) {
      this.#bytesSinceSizeCheck = 0;
      this.#overBound = walSize(this.#path) > WAL_BOUND_INTERVALS * this.#checkpointBytes;
    }
    if (this.#overBound) {
      // TRUNCATE also empties the file, so its size says again how much is waiting. While
      // the worker is inside a checkpoint it reports busy at once, and the next commit
      // tries again: the file then stays within the bound plus what commits meanwhile.
      const { busy } = this.#database.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number };
      if (busy === 0) {
        this.#overBound = false;
        this.#bytesSinceCheckpoint = 0;
      }
    } else if (this.#bytesSinceCheckpoint >= this.#checkpointBytes && !this.#inFlight) {
      this.#request();
    }
  }

  /** Stops the worker thread (and its connection); resolves once it exited. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return;
    this.#worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Held until it exited, so the process waits for its connection to close.
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  #request(): void {
    this.#inFlight = true;
    this.#bytesSinceCheckpoint = 0;
    this.#worker ??= this.#start();
    this.#worker.postMessage('checkpoint');
  }

  #start(): Worker {
    const worker = new Worker(new URL('./checkpoint-worker.ts', import.meta.url), { workerData: { path: this.#path } });
    // The log's close stops it; it must never keep a process alive by itself.
    worker.unref();
    worker.on('message', (result: { error?: string }) => {
      this.#inFlight = false;
      if (result.error !== undefined) process.emitWarning(result.error, 'OnceEventLogCheckpointWarning');
    });
    worker.on('error', (error) => {
      this.#inFlight = false;
      this.#worker = undefined;
      process.emitWarning(error, 'OnceEventLogCheckpointWarning');
    });
    return worker;
  }
}

function walSize(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}
