import { execFile } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The file that fills a {@link SmallFileSystem}; deleting it gives the space back. */
const FILLER = 'filler';
const CHUNK = Buffer.alloc(64 * 1024);

/**
 * A small file system a test mounted, to run a daemon on a disk that fills up or turns
 * read-only. Dispose it (`await using`, after the daemon on it was killed) to unmount it
 * and delete what it leaves behind.
 */
export interface SmallFileSystem extends AsyncDisposable {
  /** Where it is mounted: the data dir to give the daemon. */
  readonly directory: string;
  /** Writes a filler file until the disk is full (the write fails with ENOSPC). */
  fill(): Promise<void>;
  /** Deletes the filler file, or only shrinks it by `bytes`: that much space is free again. */
  free(bytes?: number): Promise<void>;
  /**
   * Switches the mounted file system to read-only as the kernel does after an error
   * (ext4's `errors=remount-ro`), which works while files are open for writing — unlike
   * `mount -o remount,ro`, refused as busy then. Only on {@link mountExt4}.
   */
  breakToReadOnly(): Promise<void>;
  /**
   * Unmounts it, repairs it and mounts it again read-write, as an administrator would
   * after {@link breakToReadOnly}; nothing may have a file open on it.
   */
  remountWritable(): Promise<void>;
}

/**
 * Why mounting a file system is not possible here (not root, no `mount`), or undefined
 * when it is: tests that need one skip with this reason.
 */
export async function whyNoMount(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `mounting a test file system needs Linux, not ${process.platform}`;
  if (process.getuid?.() !== 0) return 'mounting a test file system needs root (mount -t tmpfs)';
  try {
    const probe = await mountTmpfs(64 * 1024);
    await probe[Symbol.asyncDispose]();
    return undefined;
  } catch (error) {
    return `mount -t tmpfs failed here: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Mounts a tmpfs of `sizeBytes` on a fresh temporary directory. */
export async function mountTmpfs(sizeBytes: number): Promise<SmallFileSystem> {
  const directory = await mkdtemp(join(tmpdir(), 'once-small-disk-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', directory]);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return smallFileSystem(directory, async () => {
    await run('umount', [directory]);
    await rm(directory, { recursive: true, force: true });
  });
}

/**
 * Mounts an ext4 file system of `sizeBytes` from an image file through a loop device,
 * with `errors=remount-ro`, so that {@link SmallFileSystem.breakToReadOnly} works.
 */
export async function mountExt4(sizeBytes: number): Promise<SmallFileSystem> {
  const workspace = await mkdtemp(join(tmpdir(), 'once-ext4-'));
  const image = join(workspace, 'disk.img');
  const directory = join(workspace, 'mounted');
  const mount = () => run('mount', ['-o', 'loop,errors=remount-ro', image, directory]);
  try {
    await run('truncate', ['-s', String(sizeBytes), image]);
    // No blocks reserved for root: the tests run as root and must see the disk fill.
    await run('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
    await run('mkdir', [directory]);
    await mount();
  } catch (error) {
    await rm(workspace, { recursive: true, force: true });
    throw error;
  }
  const device = async () => (await run('findmnt', ['-n', '-o', 'SOURCE', directory])).stdout.trim();
  const fileSystem = smallFileSystem(directory, async () => {
    await run('umount', [directory]);
    await rm(workspace, { recursive: true, force: true });
  });
  return {
    ...fileSystem,
    async breakToReadOnly() {
      const name = (await device()).split('/').at(-1) ?? '';
      await run('sh', ['-c', `echo 1 > /sys/fs/ext4/${name}/trigger_fs_error`]);
    },
    async remountWritable() {
      await run('umount', [directory]);
      // Exit code 1 means it repaired something, as it should after an error.
      await run('e2fsck', ['-f', '-y', image]).catch((error: { code?: number }) => {
        if (error.code !== 1) throw error;
      });
      await mount();
    },
  };
}

function smallFileSystem(directory: string, unmount: () => Promise<void>): SmallFileSystem {
  const filler = join(directory, FILLER);
  return {
    directory,
    async fill() {
      const descriptor = openSync(filler, 'a');
      try {
        for (;;) writeSync(descriptor, CHUNK);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(descriptor);
      }
    },
    async free(bytes) {
      if (bytes === undefined) await rm(filler, { force: true });
      else await truncate(filler, Math.max(0, (await stat(filler)).size - bytes));
    },
    breakToReadOnly: () =>
      Promise.reject(new Error('Only an ext4 file system (mountExt4) can be broken to read-only.')),
    remountWritable: () => Promise.reject(new Error('Only an ext4 file system (mountExt4) can be remounted.')),
    [Symbol.asyncDispose]: unmount,
  };
}
