import { closeSync, openSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { OnceError } from '@once/protocol';

/** SQLite's primary result codes (the low byte of an extended code) that speak of storage. */
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
/** The empty file created (and deleted) to learn whether a directory takes writes. */
const PROBE_FILE = '.once-write-check';

/** What went wrong with the storage under a directory, when that is what went wrong. */
export type StorageProblem = 'full' | 'read_only';

/**
 * Why a write under `directory` failed, if the storage is to blame: the disk is full or
 * the file system is read-only. Reads the SQLite result code or the system error code of
 * `error`; an I/O error that names neither (SQLite reports a write refused by a
 * read-only file system as a plain I/O error) is told apart by looking at the directory
 * itself. @returns undefined for any other error.
 */
export function storageProblem(error: unknown, directory: string): StorageProblem | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { errcode, code } = error as { errcode?: unknown; code?: unknown };
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (code === 'EROFS') return 'read_only';
  if (typeof errcode !== 'number') return undefined;
  const primary = errcode & 0xff;
  if (primary === SQLITE_FULL) return 'full';
  if (primary === SQLITE_READONLY) return 'read_only';
  if (primary === SQLITE_IOERR || primary === SQLITE_CANTOPEN) return directoryProblem(directory);
  return undefined;
}

/**
 * The {@link OnceError} for a write that failed because of the storage under `directory`
 * (`storage_full` or `storage_read_only`, naming the directory and what to do), with the
 * original error as its cause; any other error is returned as it is.
 */
export function toStorageError(error: unknown, directory: string): unknown {
  switch (storageProblem(error, directory)) {
    case 'full':
      return new OnceError(
        'storage_full',
        `The disk holding the data directory ${directory} is full, so nothing of this write was stored. Free some space there; reads keep working meanwhile, and writes work again as soon as there is room.`,
        { cause: error },
      );
    case 'read_only':
      return new OnceError(
        'storage_read_only',
        `The data directory ${directory} is on a read-only file system, so nothing of this write was stored. Make it writable again; reads keep working meanwhile.`,
        { cause: error },
      );
    default:
      return error;
  }
}

/** Whether `directory` is on a read-only file system or one with no free block left. */
function directoryProblem(directory: string): StorageProblem | undefined {
  // Creating a file is the test: access(2) passes a file system the kernel switched to
  // read-only after an error (ext4's errors=remount-ro), which refuses writes all the same.
  const probe = join(directory, PROBE_FILE);
  try {
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EROFS') return 'read_only';
    if (code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  }
  try {
    if (statfsSync(directory).bavail === 0) return 'full';
  } catch {
    // The directory cannot be looked at: nothing more to say than the original error.
  }
  return undefined;
}
