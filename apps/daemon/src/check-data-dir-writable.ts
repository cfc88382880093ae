import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OnceError } from '@once/protocol';
import { storageProblem } from '@once/sqlite';

/** Written, synced and deleted at start: about what opening the log and recovering need. */
const PROBE_BYTES = 256 * 1024;
const PROBE_FILE = '.once-write-check';

/**
 * Checks, before the daemon opens its log there, that the data directory takes writes:
 * a daemon on a full disk or a read-only file system could answer no message, and
 * could not even close what a crash left open. It stops at once, naming the directory
 * and what to do, rather than start and refuse every write.
 * @throws OnceError `storage_full` or `storage_read_only`; the file system's error otherwise.
 */
export function checkDataDirWritable(dataDir: string): void {
  const probe = join(dataDir, PROBE_FILE);
  try {
    const descriptor = openSync(probe, 'w');
    try {
      writeSync(descriptor, Buffer.alloc(PROBE_BYTES));
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    throw startError(error, dataDir);
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // Never written (the file system refused it): nothing to delete.
    }
  }
}

function startError(error: unknown, dataDir: string): unknown {
  switch (storageProblem(error, dataDir)) {
    case 'full':
      return new OnceError(
        'storage_full',
        `The disk holding the data directory ${dataDir} is full; Once writes its event log there. Free some space there (or pass another --data-dir) and start it again.`,
        { cause: error },
      );
    case 'read_only':
      return new OnceError(
        'storage_read_only',
        `The data directory ${dataDir} is on a read-only file system; Once writes its event log there. Remount it read-write (or pass another --data-dir) and start it again.`,
        { cause: error },
      );
    default:
      return error;
  }
}
