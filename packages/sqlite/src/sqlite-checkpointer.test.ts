import { statSync } from 'node:fs';
import { deltaDrafts, newConversationStream, newMessageId, readAll } from '@once/testing';
import { describe, expect, it, vi } from 'vitest';
import { createSqliteFixture } from '../test/sqlite-fixture.ts';

const size = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

describe('SQLite checkpoints off the commit path', () => {
  it('copies committed events into the database file from a worker thread while the log stays open', async () => {
    const fixture = await createSqliteFixture({ checkpointBytes: 16 * 1024 });
    try {
      const stream = newConversationStream();
      const message = newMessageId();
      const before = size(fixture.path);
      // About 40 KiB of events in one commit: past one checkpoint interval, well short of
      // the write-ahead log size at which the writer would checkpoint by itself.
      await fixture.log.append(stream, deltaDrafts(stream, message, 1, 400));
      expect(size(`${fixture.path}-wal`)).toBeLessThan(16 * 16 * 1024);
      await vi.waitFor(() => expect(size(fixture.path)).toBeGreaterThan(before + 16 * 1024), { timeout: 5_000 });
      expect(await readAll(fixture.log, stream)).toHaveLength(400);
    } finally {
      await fixture.cleanup();
    }
  });

  it('keeps the write-ahead log from growing with what is written, under appends that never pause', async () => {
    const checkpointBytes = 32 * 1024;
    const fixture = await createSqliteFixture({ checkpointBytes });
    try {
      const stream = newConversationStream();
      const message = newMessageId();
      let largest = 0;
      let written = 0;
      // About 10 MiB of events back to back, in commits of 100. The bound is 16 checkpoint
      // intervals, plus what commits while a checkpoint in the worker finishes: on a busy
      // machine, a fraction of what was written — never all of it, as without checkpoints.
      for (let seq = 1; seq <= 40_000; seq += 100) {
        const stored = await fixture.log.append(stream, deltaDrafts(stream, message, seq, 100));
        written += JSON.stringify(stored).length;
        largest = Math.max(largest, size(`${fixture.path}-wal`));
      }
      expect(largest).toBeGreaterThan(0);
      expect(largest).toBeLessThan(written * 0.4);
      await fixture.log.close();
      const reopened = await fixture.reopen();
      expect(await reopened.head(stream)).toBe(40_000);
    } finally {
      await fixture.cleanup();
    }
  });
});
