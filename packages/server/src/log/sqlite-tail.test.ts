import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Offset } from '@once/protocol';
import { deltaDraft, deltaDrafts, newConversationStream, newMessageId, range, readAll } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { createSqliteFixture } from '../../test/sqlite-fixture.ts';
import { openSqliteEventLog } from './sqlite-event-log.ts';

/** Counts rows through a second connection, as another process would see the file. */
function counter(path: string): { count(sql: string): number; copyTo(path: string): void; close(): void } {
  const reader = new DatabaseSync(path, { readOnly: true });
  return {
    count: (sql) => (reader.prepare(sql).get() as { count: number }).count,
    copyTo: (copy) => reader.prepare('VACUUM INTO ?').run(copy),
    close: () => reader.close(),
  };
}

const TAIL_ROWS = 'SELECT count(*) AS count FROM tail';
const MERGED_ROWS = 'SELECT count(*) AS count FROM events';
const MARKS = 'SELECT count(*) AS count FROM merge_marks';
// An idle merge would move the whole tail; these tests want it to stay where merges left it.
const NO_IDLE_MERGE = { idleMergeDelayMs: 60_000 } as const;

describe('SQLite event log tail and merge', () => {
  it('reads every window of a stream split between merged events and the tail', async () => {
    const fixture = await createSqliteFixture();
    const first = newConversationStream();
    const second = newConversationStream();
    const [firstMessage, secondMessage] = [newMessageId(), newMessageId()];
    const appended = [];
    for (let seq = 1; seq <= 4; seq += 1) {
      appended.push(...(await fixture.log.append(first, [deltaDraft(first, firstMessage, seq)])));
      await fixture.log.append(second, [deltaDraft(second, secondMessage, seq)]);
    }
    await fixture.log.close(); // merges the whole tail
    const log = openSqliteEventLog({ path: fixture.path, ...NO_IDLE_MERGE });
    const rows = counter(fixture.path);
    try {
      appended.push(...(await log.append(first, deltaDrafts(first, firstMessage, 5, 2))));
      await log.append(second, [deltaDraft(second, secondMessage, 5)]);
      expect([rows.count(MERGED_ROWS), rows.count(TAIL_ROWS)]).toEqual([8, 3]);

      for (let after = 0; after <= 7; after += 1) {
        for (let limit = 1; limit <= 8; limit += 1) {
          expect(await log.read(first, after as Offset, limit)).toEqual(appended.slice(after, after + limit));
        }
      }
      expect(JSON.stringify(await readAll(log, first, 3))).toBe(JSON.stringify(appended));
      expect(await log.head(first)).toBe(6);
    } finally {
      rows.close();
      await log.close();
      await fixture.cleanup();
    }
  });

  it('stores nothing again for duplicates of merged, tail and same-batch events', async () => {
    const fixture = await createSqliteFixture();
    const stream = newConversationStream();
    const message = newMessageId();
    const original = [...(await fixture.log.append(stream, deltaDrafts(stream, message, 1, 5)))];
    await fixture.log.close();
    const log = openSqliteEventLog({ path: fixture.path, ...NO_IDLE_MERGE });
    try {
      original.push(...(await log.append(stream, deltaDrafts(stream, message, 6, 3))));
      // Offsets 1–5 are merged, 6–8 in the tail; 9 and 10 are new, 9 twice.
      const retried = await log.append(
        stream,
        [2, 7, 9, 9, 10, 1].map((seq) => deltaDraft(stream, message, seq, seq === 1 ? 'changed' : undefined)),
      );
      expect(retried.map((event) => event.offset)).toEqual([2, 7, 9, 9, 10, 1]);
      expect(retried[0]).toEqual(original[1]);
      expect(retried[1]).toEqual(original[6]);
      expect(retried[5]).toEqual(original[0]);
      expect(await log.head(stream)).toBe(10);
      expect((await readAll(log, stream)).map((event) => event.seq)).toEqual(range(10));
    } finally {
      await log.close();
      await fixture.cleanup();
    }
  });

  it('reopens a file left in the middle of a merge round, as after a crash, and goes on', async () => {
    const fixture = await createSqliteFixture({ tailLimit: 5, mergeChunkSize: 4, ...NO_IDLE_MERGE });
    const rows = counter(fixture.path);
    const snapshot = join(await mkdtemp(join(tmpdir(), 'once-event-log-snapshot-')), 'events.db');
    try {
      const first = newConversationStream();
      const second = newConversationStream();
      const message = newMessageId();
      // One transaction of 12 events, more than the tail limit: a round begins, and its
      // first chunk (4 events of `first`) runs on the next turn of the event loop.
      const [firstEvents, secondEvents] = await Promise.all([
        fixture.log.append(first, deltaDrafts(first, message, 1, 6)),
        fixture.log.append(second, deltaDrafts(second, newMessageId(), 1, 6)),
      ]);
      await new Promise(setImmediate);
      // What a kill at this moment would leave: 4 events copied, still in the tail too.
      rows.copyTo(snapshot);
      const copied = counter(snapshot);
      const state = [copied.count(MERGED_ROWS), copied.count(TAIL_ROWS), copied.count(MARKS)];
      copied.close();
      expect(state).toEqual([4, 12, 1]);

      const reopened = openSqliteEventLog({ path: snapshot, ...NO_IDLE_MERGE });
      try {
        expect(await reopened.head(first)).toBe(6);
        expect(await readAll(reopened, first, 4)).toEqual(firstEvents);
        expect(await readAll(reopened, second, 4)).toEqual(secondEvents);
        const retried = await reopened.append(first, deltaDrafts(first, message, 3, 5));
        expect(retried).toEqual([...(firstEvents ?? []).slice(2), { offset: 7, ...deltaDraft(first, message, 7) }]);
      } finally {
        await reopened.close();
      }
      const closed = counter(snapshot);
      expect([closed.count(MERGED_ROWS), closed.count(TAIL_ROWS), closed.count(MARKS)]).toEqual([13, 0, 0]);
      closed.close();
      const again = openSqliteEventLog({ path: snapshot });
      expect((await readAll(again, first)).map((event) => event.seq)).toEqual(range(7));
      await again.close();
    } finally {
      rows.close();
      await fixture.cleanup();
      await rm(join(snapshot, '..'), { recursive: true, force: true });
    }
  });

  it('opens a version-1 file, whose events all count as merged', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'once-event-log-v1-'));
    const path = join(directory, 'events.db');
    const stream = newConversationStream();
    const message = newMessageId();
    const stored = deltaDrafts(stream, message, 1, 3).map((draft, index) => ({ offset: index + 1, ...draft }));
    const file = new DatabaseSync(path);
    file.exec(VERSION_1_FILE);
    const insert = file.prepare('INSERT INTO events VALUES (1, ?, 1, 0, ?, ?)');
    for (const event of stored) insert.run(event.offset, Number(event.seq), JSON.stringify(event));
    file.prepare('INSERT INTO streams VALUES (1, ?, ?)').run('conversation', stream.conversationId);
    file.prepare('INSERT INTO messages VALUES (1, 1, ?)').run(message);
    file.close();
    try {
      const log = openSqliteEventLog({ path });
      expect(await log.head(stream)).toBe(3);
      expect(await readAll(log, stream)).toEqual(stored);
      const appended = await log.append(stream, deltaDrafts(stream, message, 2, 3));
      expect(appended.map((event) => event.offset)).toEqual([2, 3, 4]);
      expect(appended[0]).toEqual(stored[1]);
      await log.close();
      const migrated = new DatabaseSync(path, { readOnly: true });
      expect(migrated.prepare('PRAGMA user_version').get()).toEqual({ user_version: 2 });
      migrated.close();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

/** The layout of version 1, as its files hold it (docs/decisions/001-sqlite-event-log-schema.md). */
const VERSION_1_FILE = `
PRAGMA journal_mode = WAL;
CREATE TABLE streams (key INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, UNIQUE (kind, name));
CREATE TABLE messages (key INTEGER PRIMARY KEY, stream INTEGER NOT NULL REFERENCES streams (key),
  message_id TEXT NOT NULL, UNIQUE (stream, message_id));
CREATE TABLE events (stream INTEGER NOT NULL, offset INTEGER NOT NULL, message INTEGER, block_index INTEGER,
  seq INTEGER, envelope TEXT NOT NULL, PRIMARY KEY (stream, offset)) WITHOUT ROWID;
CREATE UNIQUE INDEX events_identity ON events (message, block_index, seq) WHERE message IS NOT NULL;
PRAGMA user_version = 1;
`;
