import { setTimeout } from 'node:timers/promises';
import type { CommitListener, EventLog, StreamKey } from '@once/log';
import type { Offset } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { createTemporaryLogFixture, deltaDrafts, newConversationStream, newMessageId } from '@once/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEventFeed, type EventFeed } from './event-feed.ts';
import { feedEntryBytes, toFeedEntry } from './feed-entry.ts';

/**
 * The log as the feed sees it: `readEntries` calls counted and answered `readDelayMs`
 * late (as over a network), and the events a commit notice carries dropped when
 * `carries` says so — as for a commit another process made.
 */
function observedLog(log: EventLog, carries: () => boolean, readDelayMs = 0) {
  const counts = { reads: 0 };
  const observed: EventLog = {
    append: (stream, drafts) => log.append(stream, drafts),
    read: (stream, after, limit) => log.read(stream, after, limit),
    readEntries: async (stream, after, limit) => {
      counts.reads += 1;
      await setTimeout(readDelayMs);
      return log.readEntries(stream, after, limit);
    },
    compact: (stream, messageIds) => log.compact(stream, messageIds),
    removeStream: (stream) => log.removeStream(stream),
    head: (stream) => log.head(stream),
    onCommit: (listener: CommitListener) =>
      log.onCommit(({ stream, head, entries }) =>
        listener(entries !== undefined && carries() ? { stream, head, entries } : { stream, head }),
      ),
    close: () => log.close(),
  };
  return { log: observed, counts };
}

/** Follows a watched stream from offset 0 until `until`, as an event stream does; returns the offsets read. */
async function follow(feed: EventFeed, stream: StreamKey, until: number): Promise<number[]> {
  const offsets: number[] = [];
  const reader = { cursor: 0, wake: () => {} };
  while (reader.cursor < until) {
    const page = await feed.read(stream, reader.cursor as Offset, 100);
    for (const entry of page) offsets.push(entry.offset);
    reader.cursor = page.at(-1)?.offset ?? reader.cursor;
    if (page.length > 0 || reader.cursor >= until) continue;
    await new Promise<void>((resolve) => {
      reader.wake = resolve;
      if (feed.waitForCommit(stream, reader)) resolve();
    });
  }
  return offsets;
}

describe('event feed', () => {
  it('hands a watched stream its new events without reading the log back when the commit carries them', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    try {
      const { log, counts } = observedLog(fixture.log, () => true);
      const feed = createEventFeed(log);
      const stream = newConversationStream();
      const message = newMessageId();
      feed.watch(stream);
      await feed.head(stream);
      const followed = follow(feed, stream, 30);
      for (let seq = 1; seq <= 30; seq += 10) await fixture.log.append(stream, deltaDrafts(stream, message, seq, 10));
      expect(await followed).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
      expect(counts.reads).toBe(0);
      feed.close();
    } finally {
      await fixture.cleanup();
    }
  });

  it("hands this process's commits it keeps over as objects equal to their JSON, and what it reads from the log as JSON alone", async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    try {
      const feed = createEventFeed(fixture.log);
      const stream = newConversationStream();
      const message = newMessageId();
      await fixture.log.append(stream, deltaDrafts(stream, message, 1, 3));
      feed.watch(stream);
      await feed.head(stream);
      await fixture.log.append(stream, deltaDrafts(stream, message, 4, 3));
      const before = await feed.read(stream, 0 as Offset, 100);
      expect(before.map((entry) => entry.offset)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(before.map((entry) => entry.event)).toEqual(Array(6).fill(undefined));
      const kept = await feed.read(stream, 3 as Offset, 100);
      expect(kept.map((entry) => entry.offset)).toEqual([4, 5, 6]);
      for (const entry of kept) expect(entry.event).toEqual(JSON.parse(entry.json));
      feed.close();
    } finally {
      await fixture.cleanup();
    }
  });

  it('wakes its waiting readers when a read of the log fails, and they read what it missed', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    try {
      const { log } = observedLog(fixture.log, () => false);
      let failures = 1;
      const failing: EventLog = {
        ...log,
        readEntries: (stream, after, limit) =>
          failures-- > 0 ? Promise.reject(new Error('connection lost')) : log.readEntries(stream, after, limit),
      };
      const feed = createEventFeed(failing);
      const stream = newConversationStream();
      feed.watch(stream);
      await feed.head(stream);
      const followed = follow(feed, stream, 5);
      await fixture.log.append(stream, deltaDrafts(stream, newMessageId(), 1, 5));
      expect(await followed).toEqual([1, 2, 3, 4, 5]);
      expect(failures).toBe(-1);
      feed.close();
    } finally {
      await fixture.cleanup();
    }
  });

  it('reads from the log what a commit notice did not carry, so every event arrives once and in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ events: fc.integer({ min: 1, max: 7 }), carried: fc.boolean() }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 3 }),
        // From nothing kept (every read from the log) to a few commits' worth.
        fc.integer({ min: 0, max: 8_000 }),
        async (commits, readDelayMs, recentBytes) => {
          const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
          try {
            const carried = commits.map((commit) => commit.carried);
            const { log } = observedLog(fixture.log, () => carried.shift() ?? true, readDelayMs);
            const feed = createEventFeed(log, { recentBytes, pageSize: 5 });
            const stream = newConversationStream();
            const message = newMessageId();
            feed.watch(stream);
            const total = commits.reduce((sum, commit) => sum + commit.events, 0);
            const followed = follow(feed, stream, total);
            // One commit after another, landing while the feed's reads of earlier ones are
            // still under way.
            let seq = 1;
            for (const commit of commits) {
              await fixture.log.append(stream, deltaDrafts(stream, message, seq, commit.events));
              seq += commit.events;
            }
            expect(await followed).toEqual(Array.from({ length: total }, (_, index) => index + 1));
            feed.close();
          } finally {
            await fixture.cleanup();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps its memory within the per-stream and total budgets, oldest out first, and a reader behind it still gets every event once', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    try {
      const recentBytes = 8_000;
      const totalRecentBytes = 40_000;
      const feed = createEventFeed(fixture.log, { recentBytes, totalRecentBytes });
      const streams = Array.from({ length: 20 }, () => newConversationStream());
      for (const stream of streams) feed.watch(stream);
      await Promise.all(streams.map((stream) => feed.head(stream)));
      // A reader that only starts reading once everything is written, far behind the memory.
      const late = streams[0] as StreamKey;
      let largest = 0;
      for (let seq = 1; seq <= 60; seq += 10) {
        for (const stream of streams) {
          const stored = await fixture.log.append(stream, deltaDrafts(stream, newMessageId(), seq, 10));
          for (const entry of stored) largest = Math.max(largest, feedEntryBytes(toFeedEntry(entry)));
          expect(feed.retainedBytes()).toBeLessThanOrEqual(totalRecentBytes);
        }
      }
      // Full, not empty: the budget is used, not merely respected.
      expect(feed.retainedBytes()).toBeGreaterThan(totalRecentBytes - 2 * largest);
      // The first stream's oldest events left memory long ago: they come from the log.
      expect(await follow(feed, late, 60)).toEqual(Array.from({ length: 60 }, (_, index) => index + 1));
      for (const stream of streams) feed.unwatch(stream);
      expect(feed.retainedBytes()).toBe(0);
      feed.close();
    } finally {
      await fixture.cleanup();
    }
  });

  it('keeps one busy stream within its own budget', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    try {
      const feed = createEventFeed(fixture.log, { recentBytes: 5_000 });
      const stream = newConversationStream();
      feed.watch(stream);
      await feed.head(stream);
      const followed = follow(feed, stream, 200);
      const message = newMessageId();
      for (let seq = 1; seq <= 200; seq += 20) {
        await fixture.log.append(stream, deltaDrafts(stream, message, seq, 20));
        expect(feed.retainedBytes()).toBeLessThanOrEqual(5_000);
      }
      expect(await followed).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
      expect(feed.retainedBytes()).toBeGreaterThan(2_500);
      feed.close();
      expect(feed.retainedBytes()).toBe(0);
    } finally {
      await fixture.cleanup();
    }
  });
});
