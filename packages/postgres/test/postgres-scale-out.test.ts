import type { CommitNotice, StoredEvent } from '@once/log';
import { appendEvents, deltaDrafts, newConversationStream, newMessageId, range, readAll } from '@once/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PostgresEventLog } from '../src/index.ts';
import { headAnnounced } from './head-announced.ts';
import { createPostgresFixture } from './postgres-fixture.ts';

// Two logs on one schema, each with its own connection pool: two daemons sharing a database.
describe('PostgreSQL event log shared by two daemons', () => {
  let fixture: Awaited<ReturnType<typeof createPostgresFixture>>;
  let first: PostgresEventLog;
  let second: PostgresEventLog;
  beforeEach(async () => {
    fixture = await createPostgresFixture();
    first = fixture.log;
    second = await fixture.open();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it('numbers a stream both append to without gaps or duplicates, each writer in its order', async () => {
    const stream = newConversationStream();
    const writers = Array.from({ length: 8 }, async (_, index) => {
      const log = index % 2 === 0 ? first : second;
      const message = newMessageId();
      const stored: StoredEvent[] = [];
      for (let call = 0; call < 10; call += 1)
        stored.push(...(await appendEvents(log, stream, deltaDrafts(stream, message, call * 3 + 1, 3))));
      return { message, stored };
    });
    const outcomes = await Promise.all(writers);

    const events = await readAll(first, stream);
    expect(events.map((event) => event.offset)).toEqual(range(8 * 30));
    expect(await readAll(second, stream)).toEqual(events);
    expect(await first.head(stream)).toBe(240);
    expect(await second.head(stream)).toBe(240);
    for (const { message, stored } of outcomes) {
      const own = events.filter((event) => event.messageId === message);
      expect(own.map((event) => event.seq)).toEqual(range(30));
      expect(stored).toEqual(own);
    }
  });

  it('hands back the event the other daemon stored when a retry of it arrives here', async () => {
    const stream = newConversationStream();
    const message = newMessageId();
    const original = await appendEvents(first, stream, deltaDrafts(stream, message, 1, 3));
    const retried = await appendEvents(second, stream, deltaDrafts(stream, message, 2, 3));
    expect(retried).toEqual([original[1], original[2], expect.objectContaining({ offset: 4, seq: 4 })]);
    expect((await readAll(first, stream)).map((event) => event.seq)).toEqual(range(4));
  });

  it('stores a message once when both daemons append the same events at the same moment', async () => {
    // Many streams, so that some pairs really do meet at the lock, whichever way the two pools are scheduled.
    const streams = Array.from({ length: 30 }, () => newConversationStream());
    const outcomes = await Promise.all(
      streams.map(async (stream) => {
        const drafts = deltaDrafts(stream, newMessageId(), 1, 3);
        const [fromFirst, fromSecond] = await Promise.all([
          first.append(stream, drafts),
          second.append(stream, drafts),
        ]);
        return { stream, fromFirst, fromSecond };
      }),
    );
    for (const { stream, fromFirst, fromSecond } of outcomes) {
      expect(fromSecond).toEqual(fromFirst);
      expect(fromFirst.map((event) => event.offset)).toEqual([1, 2, 3]);
      expect(await first.head(stream)).toBe(3);
    }
  });

  it('wakes each daemon’s listeners when the other commits, with heads that only grow', async () => {
    const stream = newConversationStream();
    const message = newMessageId();
    const firstHears = headAnnounced(first, stream, 20);
    const secondHears = headAnnounced(second, stream, 20);
    // The first daemon writes the first half, the second the rest: each hears the other's half.
    for (let call = 0; call < 5; call += 1) await first.append(stream, deltaDrafts(stream, message, call * 2 + 1, 2));
    for (let call = 5; call < 10; call += 1) await second.append(stream, deltaDrafts(stream, message, call * 2 + 1, 2));

    for (const notices of await Promise.all([firstHears, secondHears])) {
      const heads = notices.map((notice) => notice.head);
      expect(heads).toEqual([...heads].sort((a, b) => a - b));
      expect(new Set(heads).size).toBe(heads.length);
      expect(heads.at(-1)).toBe(20);
    }
    // What the second daemon heard from the first (heads up to 10) was readable there.
    const heardFromFirst = (await secondHears).filter((notice) => notice.head <= 10);
    expect(heardFromFirst.length).toBeGreaterThan(0);
    expect((await readAll(second, stream)).map((event) => event.offset)).toEqual(range(20));
  });

  it('does not wake a log in another schema', async () => {
    const other = await createPostgresFixture();
    try {
      const stream = newConversationStream();
      const heard: CommitNotice[] = [];
      other.log.onCommit((notice) => heard.push(notice));
      const woken = headAnnounced(second, stream, 2);
      await first.append(stream, deltaDrafts(stream, newMessageId(), 1, 2));
      // Once the second log of this schema heard the commit, the other schema would have too.
      await woken;
      expect(heard).toEqual([]);
      expect(await other.log.head(stream)).toBe(0);
    } finally {
      await other.cleanup();
    }
  });
});
