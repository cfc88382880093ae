// The thread behind SqliteCheckpointer: its own connection to the log's file, running a
// checkpoint each time it is asked, and closing when told to.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

/** What the thread is started with. */
export interface CheckpointWorkerData {
  readonly path: string;
  /** Past this many frames of write-ahead log, a checkpoint ends by restarting it. */
  readonly restartFrames: number;
}

/** What the thread answers each request with. */
export type CheckpointReport = { readonly frames: number; readonly restarted: boolean } | { readonly error: string };

/**
 * How long, in milliseconds, a restart waits for the writer to finish its transaction
 * (and for readers to leave the log) before it gives up until the next request. The
 * thread waits, not the event loop: the writer just finds the file busy meanwhile.
 */
const RESTART_WAIT_MS = 100;

const port = parentPort;
if (port === null) throw new Error('checkpoint-worker.ts runs as a worker thread of the event log.');
const { path, restartFrames } = workerData as CheckpointWorkerData;
const database = new DatabaseSync(path, { timeout: RESTART_WAIT_MS });
// PASSIVE copies what it can without waiting for anyone and never blocks the writer.
const passive = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');
// RESTART holds writers off while it copies the rest and lets the log start over.
const restart = database.prepare('PRAGMA wal_checkpoint(RESTART)');

interface CheckpointRow {
  /** 1 when it could not finish: a writer or reader was in the way. */
  readonly busy: number;
  /** Frames in the write-ahead log. */
  readonly log: number;
}

port.on('message', (message: 'checkpoint' | 'close') => {
  if (message === 'close') {
    database.close();
    port.close();
    return;
  }
  try {
    // A passive checkpoint beside a busy writer never finds the log fully copied (the
    // writer commits more while it copies), and only then does the log start over. So
    // once it is long, a restart follows the passive pass, which leaves it little to
    // copy: the writer is held off for about that long, and retries meanwhile.
    const row = passive.get() as unknown as CheckpointRow;
    if (row.log <= restartFrames) {
      port.postMessage({ frames: row.log, restarted: false } satisfies CheckpointReport);
      return;
    }
    const restarted = restart.get() as unknown as CheckpointRow;
    port.postMessage({ frames: restarted.log, restarted: restarted.busy === 0 } satisfies CheckpointReport);
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies CheckpointReport);
  }
});
