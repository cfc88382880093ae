import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  createDaemonClient,
  expectExactTranscript,
  mountExt4,
  mountTmpfs,
  readConversation,
  startDaemon,
  stopLeftoverDaemons,
  whyNoMount,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { expectSendRefused, historyOf } from './storage-checks.ts';

const run = promisify(execFile);
const DISK_BYTES = 16 * 1024 * 1024;
const QUICK_DEMO = ['--demo-delay-ms', '1', '--demo-tokens', '20'];

const noMount = await whyNoMount();
const title = (name: string) => (noMount === undefined ? name : `${name} (skipped: ${noMount})`);

afterEach(stopLeftoverDaemons);

describe.skipIf(noMount !== undefined)(title('a daemon whose data dir is read-only'), () => {
  // `mount -o remount,ro` is refused (busy) while the log is open for writing; a file
  // system turns read-only under a running daemon when the kernel switches it after an
  // error, as ext4's errors=remount-ro does. Making it writable again then takes an
  // unmount and a check, so the daemon on it must stop first.
  it('refuses sends with 507 storage_read_only while reads keep working, and keeps every committed event', async () => {
    await using disk = await mountExt4(DISK_BYTES);
    await using daemon = await startDaemon({ dataDir: disk.directory, flags: QUICK_DEMO });
    const client = createDaemonClient(daemon.url);
    const conversationId = await client.createConversation();
    await client.sendMessage(conversationId, 'Before the file system turns read-only.');
    const before = await readConversation(client, conversationId);

    // The daemon commits without fsync (synchronous=normal): the kernel writes the pages
    // out within seconds. A file system that fails before then loses the last commits
    // whole, as a power loss would (docs/RELIABILITY.md); here it fails after.
    await run('sync', ['-f', disk.directory]);
    await disk.breakToReadOnly();
    await expectSendRefused(client, conversationId, 'storage_read_only', disk.directory);
    await expectSendRefused(client, conversationId, 'storage_read_only', disk.directory);
    expect(await client.getSnapshot(conversationId)).toStrictEqual(before.snapshot);
    expect(await historyOf(client, conversationId)).toStrictEqual(before.events);
    expect((await readConversation(client, conversationId)).events).toStrictEqual(before.events);
    expect((await client.request('GET', '/v1/health')).status).toBe(200);

    // Made writable again (after the daemon stopped: it holds the file open), a daemon
    // on it serves the same conversation and takes sends, at the next offset.
    await daemon.kill('SIGKILL');
    await disk.remountWritable();
    await daemon.restart();
    expect(await client.getSnapshot(conversationId)).toStrictEqual(before.snapshot);
    await client.sendMessage(conversationId, 'After it was made writable again.');
    const after = await readConversation(client, conversationId, 2);
    expect(after.events.slice(0, before.events.length)).toStrictEqual(before.events);
    expectExactTranscript(conversationId, after.events, after.snapshot);
    expect(after.snapshot.messages.map((message) => message.status)).toStrictEqual([
      'complete',
      'complete',
      'complete',
      'complete',
    ]);
  }, 60_000);

  it('will not start on a read-only data dir: it exits at once with one line naming the directory', async () => {
    await using disk = await mountTmpfs(DISK_BYTES);
    await run('mount', ['-o', 'remount,ro', disk.directory]);
    try {
      const started = startDaemon({ dataDir: disk.directory });
      await expect(started).rejects.toThrow(/exited before it was ready \(exit code 2\)/);
      const output = String(await started.catch((error: Error) => error.message))
        .split('\n')
        .slice(1);
      expect(output).toStrictEqual([
        `once: The data directory ${disk.directory} is on a read-only file system; Once writes its event log there. Remount it read-write (or pass another --data-dir) and start it again.`,
      ]);
    } finally {
      await run('mount', ['-o', 'remount,rw', disk.directory]);
    }
    await using daemon = await startDaemon({ dataDir: disk.directory });
    expect((await createDaemonClient(daemon.url).request('GET', '/v1/health')).status).toBe(200);
  }, 60_000);
});
