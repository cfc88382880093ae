import { join } from 'node:path';
import type { EventDraft, StreamKey } from '@once/log';
import { isOnceError } from '@once/protocol';
import {
  deltaDrafts,
  mountTmpfs,
  newConversationStream,
  newMessageId,
  range,
  readAll,
  whyNoMount,
} from '@once/testing';
import { describe, expect, it } from 'vitest';
import { openSqliteEventLog } from '../src/index.ts';

const DISK_BYTES = 4 * 1024 * 1024;
const noMount = await whyNoMount();
const title = (name: string) => (noMount === undefined ? name : `${name} (skipped: ${noMount})`);

/** `count` deltas of about 16 KiB each: a batch that needs far more room than a small one. */
function bulkyDrafts(stream: StreamKey, count: number): EventDraft[] {
  return deltaDrafts(stream, newMessageId(), 1, count).map((draft) => ({
    ...draft,
    data: { text: 'x'.repeat(16 * 1024) },
  }));
}

async function expectRefusedAsFull(append: Promise<unknown>, directory: string): Promise<void> {
  const error = await append.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isOnceError(error) && error.code).toBe('storage_full');
  expect((error as Error).message).toContain(directory);
}

describe.skipIf(noMount !== undefined)(title('SQLite event log on a full disk'), () => {
  it('a batch the full disk refuses changes nothing: no event, no head, no notice, and the next append takes its offsets', async () => {
    await using disk = await mountTmpfs(DISK_BYTES);
    const path = join(disk.directory, 'once.db');
    const first = newConversationStream();
    const fresh = newConversationStream();
    const before = await (async () => {
      await using log = openSqliteEventLog({ path });
      await log.append(first, deltaDrafts(first, newMessageId(), 1, 3));
      const notices: unknown[] = [];
      log.onCommit((notice) => notices.push(notice));

      await disk.fill();
      await expectRefusedAsFull(log.append(first, bulkyDrafts(first, 20)), disk.directory);
      await expectRefusedAsFull(log.append(fresh, bulkyDrafts(fresh, 20)), disk.directory);
      expect(notices).toStrictEqual([]);
      expect(await log.head(first)).toBe(3);
      expect(await log.head(fresh)).toBe(0);
      expect((await readAll(log, first)).map((event) => event.offset)).toStrictEqual(range(3));
      expect(await readAll(log, fresh)).toStrictEqual([]);

      await disk.free();
      const [stored] = await log.append(first, deltaDrafts(first, newMessageId(), 1, 1));
      expect(stored?.offset).toBe(4);
      expect((await log.append(fresh, deltaDrafts(fresh, newMessageId(), 1, 2))).map((entry) => entry.offset)).toEqual([
        1, 2,
      ]);
      return { first: await readAll(log, first), fresh: await readAll(log, fresh) };
    })();
    // The file holds exactly what was acknowledged.
    await using reopened = openSqliteEventLog({ path });
    expect(await readAll(reopened, first)).toStrictEqual(before.first);
    expect(await readAll(reopened, fresh)).toStrictEqual(before.fresh);
  }, 30_000);

  it('stores nothing a pipelined writer sent after a refused batch, even what would fit, so its stream has no hole', async () => {
    await using disk = await mountTmpfs(DISK_BYTES);
    const stream = newConversationStream();
    await using log = openSqliteEventLog({ path: join(disk.directory, 'once.db'), maxBatchSize: 32 });
    const message = newMessageId();
    await log.append(stream, deltaDrafts(stream, message, 1, 2));
    await disk.fill();
    await disk.free(128 * 1024);

    // A full batch commits at once and fails; the small append right behind it would fit.
    const bulky = log.append(stream, bulkyDrafts(stream, 32));
    const small = log.append(stream, deltaDrafts(stream, message, 3, 1));
    await expectRefusedAsFull(bulky, disk.directory);
    await expectRefusedAsFull(small, disk.directory);
    expect((await readAll(log, stream)).map((event) => event.offset)).toStrictEqual(range(2));

    // Sent again once the writer knows, it fits, at the next offset.
    const [stored] = await log.append(stream, deltaDrafts(stream, message, 3, 1));
    expect(stored?.offset).toBe(3);
  }, 30_000);
});
