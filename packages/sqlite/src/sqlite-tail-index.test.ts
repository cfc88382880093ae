import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Offset } from '@once/protocol';
import {
  accountDraft,
  appendEvents,
  deltaDraft,
  deltaDrafts,
  newConversationStream,
  newMessageId,
  range,
  readAll,
} from '@once/testing';
import { describe, expect, it } from 'vitest';
import { createSqliteFixture } from '../test/sqlite-fixture.ts';
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

const LOG_ROWS = 'SELECT count(*) AS count FROM log';
const UNINDEXED_ROWS = 'SELECT count(*) AS count FROM log WHERE position > (SELECT position FROM log_mark)';
const RUNS = 'SELECT count(*) AS count FROM runs';
// An idle round would index the whole tail; these tests want it to stay unindexed.
const NO_IDLE_INDEX = { idleIndexDelayMs: 60_000 } as const;

describe('SQLite event log tail and index', () => {
  it('reads every window of a stream split between indexed events and the tail', async () => {
    const fixture = await createSqliteFixture();
    const first = newConversationStream();
    const second = newConversationStream();
    const [firstMessage, secondMessage] = [newMessageId(), newMessageId()];
    const appended = [];
    for (let seq = 1; seq <= 4; seq += 1) {
      appended.push(...(await appendEvents(fixture.log, first, [deltaDraft(first, firstMessage, seq)])));
      await appendEvents(fixture.log, second, [deltaDraft(second, secondMessage, seq)]);
    }
    await fixture.log.close(); // indexes the whole tail
    const log = openSqliteEventLog({ path: fixture.path, ...NO_IDLE_INDEX });
    const rows = counter(fixture.path);
    try {
      appended.push(...(await appendEvents(log, first, deltaDrafts(first, firstMessage, 5, 2))));
      await appendEvents(log, second, [deltaDraft(second, secondMessage, 5)]);
      expect([rows.count(LOG_ROWS), rows.count(UNINDEXED_ROWS), rows.count(RUNS)]).toEqual([11, 3, 2]);

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

  it('stores nothing again for duplicates of indexed, tail and same-batch events', async () => {
    const fixture = await createSqliteFixture();
    const stream = newConversationStream();
    const message = newMessageId();
    const original = [...(await appendEvents(fixture.log, stream, deltaDrafts(stream, message, 1, 5)))];
    await fixture.log.close();
    const log = openSqliteEventLog({ path: fixture.path, ...NO_IDLE_INDEX });
    try {
      original.push(...(await appendEvents(log, stream, deltaDrafts(stream, message, 6, 3))));
      // Offsets 1–5 are indexed, 6–8 in the tail; 9 and 10 are new, 9 twice.
      const retried = await appendEvents(
        log,
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

  it('stores a seq below the highest one only when it is new, in memory and after reopening', async () => {
    const fixture = await createSqliteFixture({ tailLimit: 0, ...NO_IDLE_INDEX });
    const stream = newConversationStream();
    const message = newMessageId();
    try {
      // tailLimit 0: each commit is indexed on the next turn, so look-ups read the runs.
      const [one, three] = await appendEvents(fixture.log, stream, [
        deltaDraft(stream, message, 1),
        deltaDraft(stream, message, 3),
      ]);
      await new Promise(setImmediate);
      const [two, threeAgain] = await appendEvents(fixture.log, stream, [
        deltaDraft(stream, message, 2),
        deltaDraft(stream, message, 3),
      ]);
      expect([two?.offset, threeAgain]).toEqual([3, three]);
      await fixture.log.close();
      const log = await fixture.reopen();
      const retried = await appendEvents(
        log,
        stream,
        [1, 2, 3, 4].map((seq) => deltaDraft(stream, message, seq)),
      );
      expect(retried).toEqual([one, two, three, { offset: 4, ...deltaDraft(stream, message, 4) }]);
    } finally {
      await fixture.cleanup();
    }
  });

  it('reopens with account events not indexed yet, whose envelopes name no account', async () => {
    const fixture = await createSqliteFixture(NO_IDLE_INDEX);
    const account = { stream: 'account', accountId: 'someone' } as const;
    const snapshot = join(await mkdtemp(join(tmpdir(), 'once-event-log-snapshot-')), 'events.db');
    const rows = counter(fixture.path);
    try {
      const appended = await appendEvents(fixture.log, account, [accountDraft(), accountDraft()]);
      rows.copyTo(snapshot);
      const reopened = openSqliteEventLog({ path: snapshot });
      expect(await readAll(reopened, account)).toEqual(appended);
      expect((await appendEvents(reopened, account, [accountDraft()])).map((event) => event.offset)).toEqual([3]);
      await reopened.close();
    } finally {
      rows.close();
      await fixture.cleanup();
      await rm(join(snapshot, '..'), { recursive: true, force: true });
    }
  });

  it('reopens a file copied with an unindexed tail, as a kill leaves it, and goes on', async () => {
    const fixture = await createSqliteFixture({ tailLimit: 5, ...NO_IDLE_INDEX });
    const rows = counter(fixture.path);
    const snapshot = join(await mkdtemp(join(tmpdir(), 'once-event-log-snapshot-')), 'events.db');
    try {
      const first = newConversationStream();
      const second = newConversationStream();
      const message = newMessageId();
      // 12 events in one transaction, more than the tail limit: indexed on the next turn.
      const [firstEvents, secondEvents] = await Promise.all([
        appendEvents(fixture.log, first, deltaDrafts(first, message, 1, 6)),
        appendEvents(fixture.log, second, deltaDrafts(second, newMessageId(), 1, 6)),
      ]);
      // What a kill at this moment would leave: every event written, none indexed.
      rows.copyTo(snapshot);
      await new Promise(setImmediate);
      expect([rows.count(UNINDEXED_ROWS), rows.count(RUNS)]).toEqual([0, 2]);
      const copied = counter(snapshot);
      const state = [copied.count(LOG_ROWS), copied.count(UNINDEXED_ROWS), copied.count(RUNS)];
      copied.close();
      expect(state).toEqual([12, 12, 0]);

      const reopened = openSqliteEventLog({ path: snapshot, ...NO_IDLE_INDEX });
      try {
        expect(await reopened.head(first)).toBe(6);
        expect(await readAll(reopened, first, 4)).toEqual(firstEvents);
        expect(await readAll(reopened, second, 4)).toEqual(secondEvents);
        const retried = await appendEvents(reopened, first, deltaDrafts(first, message, 3, 5));
        expect(retried).toEqual([...(firstEvents ?? []).slice(2), { offset: 7, ...deltaDraft(first, message, 7) }]);
      } finally {
        await reopened.close();
      }
      const closed = counter(snapshot);
      expect([closed.count(LOG_ROWS), closed.count(UNINDEXED_ROWS), closed.count(RUNS)]).toEqual([13, 0, 2]);
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

  it('migrates a version-1 file, whose events become indexed runs', async () => {
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
      const appended = await appendEvents(log, stream, deltaDrafts(stream, message, 2, 3));
      expect(appended.map((event) => event.offset)).toEqual([2, 3, 4]);
      expect(appended[0]).toEqual(stored[1]);
      await log.close();
      const migrated = new DatabaseSync(path, { readOnly: true });
      expect(migrated.prepare('PRAGMA user_version').get()).toEqual({ user_version: 5 });
      migrated.close();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('migrates a version-2 file: merged events, a half-merged tail and tail-only streams', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'once-event-log-v2-'));
    const path = join(directory, 'events.db');
    const first = newConversationStream();
    const second = newConversationStream();
    const [firstMessage, secondMessage] = [newMessageId(), newMessageId()];
    const firstEvents = deltaDrafts(first, firstMessage, 1, 5).map((draft, index) => ({ offset: index + 1, ...draft }));
    const secondEvents = deltaDrafts(second, secondMessage, 1, 2).map((draft, index) => ({
      offset: index + 1,
      ...draft,
    }));
    const file = new DatabaseSync(path);
    file.exec(VERSION_2_FILE);
    file
      .prepare('INSERT INTO streams VALUES (1, ?, ?), (2, ?, ?)')
      .run('conversation', first.conversationId, 'conversation', second.conversationId);
    file.prepare('INSERT INTO messages VALUES (1, 1, ?), (2, 2, ?)').run(firstMessage, secondMessage);
    const merged = file.prepare('INSERT INTO events VALUES (1, ?, 1, 0, ?, ?)');
    const tail = file.prepare(
      'INSERT INTO tail (stream, offset, message, block_index, seq, envelope) VALUES (?, ?, ?, 0, ?, ?)',
    );
    // Offsets 1–3 of the first stream merged; 2–3 still in the tail too (a round copied
    // them and was killed before deleting them), 4–5 not merged; the second stream only in the tail.
    for (const event of firstEvents.slice(0, 3)) merged.run(event.offset, Number(event.seq), JSON.stringify(event));
    for (const event of firstEvents.slice(1)) tail.run(1, event.offset, 1, Number(event.seq), JSON.stringify(event));
    for (const event of secondEvents) tail.run(2, event.offset, 2, Number(event.seq), JSON.stringify(event));
    file.exec('INSERT INTO merge_marks VALUES (1, 3)');
    file.close();
    try {
      const log = openSqliteEventLog({ path, ...NO_IDLE_INDEX });
      expect([await log.head(first), await log.head(second)]).toEqual([5, 2]);
      expect(await readAll(log, first, 2)).toEqual(firstEvents);
      expect(await readAll(log, second)).toEqual(secondEvents);
      const retried = await appendEvents(log, first, deltaDrafts(first, firstMessage, 2, 5));
      expect(retried.map((event) => event.offset)).toEqual([2, 3, 4, 5, 6]);
      expect(retried.slice(0, 4)).toEqual(firstEvents.slice(1));
      await log.close();
      const migrated = new DatabaseSync(path, { readOnly: true });
      const tables = migrated
        .prepare(
          "SELECT group_concat(name, ' ') AS names FROM (SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)",
        )
        .get();
      expect(tables).toEqual({ names: 'log log_mark messages runs snapshots streams' });
      expect(migrated.prepare('PRAGMA user_version').get()).toEqual({ user_version: 5 });
      migrated.close();
      const again = openSqliteEventLog({ path });
      expect((await readAll(again, first)).map((event) => event.seq)).toEqual(range(6));
      await again.close();
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

/** The layout of version 2: version 1 plus the tail and its merge marks. */
const VERSION_2_FILE = `${VERSION_1_FILE}
CREATE TABLE tail (position INTEGER PRIMARY KEY, stream INTEGER NOT NULL, offset INTEGER NOT NULL,
  message INTEGER, block_index INTEGER, seq INTEGER, envelope TEXT NOT NULL);
CREATE TABLE merge_marks (stream INTEGER PRIMARY KEY, offset INTEGER NOT NULL);
PRAGMA user_version = 2;
`;
