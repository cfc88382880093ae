import { statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import type { CheckpointReport, CheckpointWorkerData } from './checkpoint-worker.ts';

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
 * Past this many checkpoint intervals of write-ahead log, the worker restarts the log
 * after its passive checkpoint: a passive checkpoint beside a busy writer rarely lets the
 * log start over, so under endless load it would grow without this bound.
 */
const RESTART_INTERVALS = 16;
/**
 * Past this many intervals of write-ahead log on disk — the worker cannot keep up or
 * cannot run — the writer checkpoints everything and truncates the file.
 */
const TRUNCATE_INTERVALS = 64;

/**
 * Takes WAL checkpoints off the commit path. The writing connection's automatic
 * checkpoint is switched off; a worker thread with its own connection runs passive
 * checkpoints as bytes are committed (started on first need, so short-lived logs never
 * start one). Because a passive checkpoint beside a busy writer seldom lets the
 * write-ahead log restart, the worker restarts it once it is long, holding the writer
 * off for a moment (commits find the file busy and retry; see `SqliteEventLog`). Should
 * the file grow far past that anyway, the writer truncates it itself.
 */
export class SqliteCheckpointer {
  readonly #database: DatabaseSync;
  readonly #path: string;
  readonly #checkpointBytes: number;
  readonly #pageSize: number;
  #worker: Worker | undefined;
  #inFlight = false;
  #bytesSinceCheckpoint = 0;
  #bytesSinceSizeCheck = 0;

  constructor(database: DatabaseSync, path: string, options: CheckpointOptions) {
    this.#database = database;
    this.#path = path;
    this.#checkpointBytes = options.checkpointBytes ?? CHECKPOINT_DEFAULTS.checkpointBytes;
    if (!(this.#checkpointBytes >= 1)) {
      throw new RangeError(`checkpointBytes must be 1 or more, got ${this.#checkpointBytes}`);
    }
    this.#pageSize = (database.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
    database.exec('PRAGMA wal_autocheckpoint = 0');
  }

  /** Tells the checkpointer a transaction committed about `bytes` of events. */
  afterCommit(bytes: number): void {
    this.#bytesSinceCheckpoint += bytes;
    this.#bytesSinceSizeCheck += bytes;
    if (this.#bytesSinceSizeCheck >= this.#checkpointBytes) {
      this.#bytesSinceSizeCheck = 0;
      if (walSize(this.#path) > TRUNCATE_INTERVALS * this.#checkpointBytes) this.#checkpointHere('TRUNCATE');
    }
    if (this.#inFlight) return;
    if (this.#bytesSinceCheckpoint >= this.#checkpointBytes) this.#request();
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

  /**
   * Runs a checkpoint on the writing connection. While the worker is inside one it
   * reports busy at once, and a later commit tries again.
   */
  #checkpointHere(mode: 'TRUNCATE'): void {
    const { busy } = this.#database.prepare(`PRAGMA wal_checkpoint(${mode})`).get() as { busy: number };
    if (busy === 0) this.#bytesSinceCheckpoint = 0;
  }

  #request(): void {
    this.#inFlight = true;
    this.#bytesSinceCheckpoint = 0;
    this.#worker ??= this.#start();
    this.#worker.postMessage('checkpoint');
  }

  #start(): Worker {
    const workerData: CheckpointWorkerData = {
      path: this.#path,
      restartFrames: Math.ceil((RESTART_INTERVALS * this.#checkpointBytes) / this.#pageSize),
    };
    const worker = new Worker(new URL('./checkpoint-worker.ts', import.meta.url), { workerData });
    // The log's close stops it; it must never keep a process alive by itself.
    worker.unref();
    worker.on('message', (report: CheckpointReport) => {
      this.#inFlight = false;
      if ('error' in report) process.emitWarning(report.error, 'OnceEventLogCheckpointWarning');
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
