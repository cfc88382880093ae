// The thread behind SqliteCheckpointer: its own connection to the log's file, running a
// passive WAL checkpoint each time it is asked, and closing when told to.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
if (port === null) throw new Error('checkpoint-worker.ts runs as a worker thread of the event log.');
const database = new DatabaseSync((workerData as { path: string }).path);

port.on('message', (message: 'checkpoint' | 'close') => {
  if (message === 'close') {
    database.close();
    port.close();
    return;
  }
  try {
    // PASSIVE copies what it can without waiting for anyone and never blocks the writer.
    const row = database.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() as { log: number; checkpointed: number };
    port.postMessage({ frames: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
