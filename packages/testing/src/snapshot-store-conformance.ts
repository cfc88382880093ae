import type { EventLog, SnapshotStore, StoredSnapshot, StreamKey } from '@once/log';
import { type Offset, OnceError } from '@once/protocol';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountDraft, deltaDrafts, newAccountStream, newConversationStream, newMessageId } from './event-drafts.ts';

/** A log and its snapshot store, as the SQLite and PostgreSQL logs are both. */
export type LogWithSnapshots = EventLog & SnapshotStore;

/** What a test of the suite gets from the implementation under test. */
export interface SnapshotStoreFixture {
  /** A log over fresh, empty storage. */
  readonly log: LogWithSnapshots;
  /** Opens the same storage again (after `log` was closed). */
  reopen(): Promise<LogWithSnapshots>;
  /** Closes every log the fixture opened and deletes the storage. */
  cleanup(): Promise<void>;
}

/** A snapshot whose texts name its offset and a tag, so tests tell any two apart. */
function snapshotAt(offset: number, tag = ''): StoredSnapshot {
  return {
    offset: offset as Offset,
    state: JSON.stringify({ offset, tag, text: `state at ${offset} — é 漢字 🧪 \u2028` }),
    summary: JSON.stringify({ offset, tag }),
  };
}

/** A conversation stream holding `count` events. */
async function streamOf(log: EventLog, count: number): Promise<StreamKey> {
  const stream = newConversationStream();
  if (count > 0) await log.append(stream, deltaDrafts(stream, newMessageId(), 1, count));
  return stream;
}

async function refusal(action: () => Promise<unknown>): Promise<OnceError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof OnceError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/**
 * The behaviour every {@link SnapshotStore} must have, as a Vitest suite. An
 * implementation's test file calls it with a factory over real storage.
 */
export function describeSnapshotStoreConformance(name: string, create: () => Promise<SnapshotStoreFixture>): void {
  describe(`SnapshotStore conformance: ${name}`, () => {
    let fixture: SnapshotStoreFixture;
    let log: LogWithSnapshots;
    beforeEach(async () => {
      fixture = await create();
      log = fixture.log;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('has no snapshot for a stream nobody saved one for, known to the log or not', async () => {
      const stream = await streamOf(log, 3);
      expect(await log.latestSnapshot(stream)).toBeUndefined();
      expect(await log.latestSnapshotSummary(stream)).toBeUndefined();
      expect(await log.latestSnapshot(newConversationStream())).toBeUndefined();
      expect(await log.latestSnapshotSummary(newAccountStream())).toBeUndefined();
    });

    it('gives back the saved snapshot as it was given, its summary alone too, after a reopen as well', async () => {
      const stream = await streamOf(log, 5);
      const account = newAccountStream();
      await log.append(account, [accountDraft(), accountDraft()]);
      const saved = { ...snapshotAt(4), state: `${snapshotAt(4).state}${' '.repeat(100_000)}x` };
      expect(await log.saveSnapshot(stream, saved)).toBe(true);
      expect(await log.saveSnapshot(account, snapshotAt(2, 'account'))).toBe(true);
      expect(await log.latestSnapshot(stream)).toEqual(saved);
      expect(await log.latestSnapshotSummary(stream)).toEqual({ offset: 4, summary: saved.summary });
      await log.close();
      const reopened = await fixture.reopen();
      expect(await reopened.latestSnapshot(stream)).toEqual(saved);
      expect(await reopened.latestSnapshot(account)).toEqual(snapshotAt(2, 'account'));
      expect(await reopened.latestSnapshotSummary(stream)).toEqual({ offset: 4, summary: saved.summary });
    });

    it('replaces a snapshot only with one at a higher offset', async () => {
      const stream = await streamOf(log, 10);
      expect(await log.saveSnapshot(stream, snapshotAt(5))).toBe(true);
      expect(await log.saveSnapshot(stream, snapshotAt(3))).toBe(false);
      expect(await log.saveSnapshot(stream, snapshotAt(5, 'again'))).toBe(false);
      expect(await log.latestSnapshot(stream)).toEqual(snapshotAt(5));
      expect(await log.saveSnapshot(stream, snapshotAt(10))).toBe(true);
      expect(await log.latestSnapshot(stream)).toEqual(snapshotAt(10));
    });

    it('keeps the highest of any saves, in any order and at once, and each stream its own', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 20 })), { minLength: 1 }),
          async (saves) => {
            const streams = [await streamOf(log, 20), await streamOf(log, 20)];
            await Promise.all(
              saves.map(([which, offset]) => log.saveSnapshot(streams[which] as StreamKey, snapshotAt(offset))),
            );
            for (const [which, stream] of streams.entries()) {
              const offsets = saves.filter(([index]) => index === which).map(([, offset]) => offset);
              const expected = offsets.length === 0 ? undefined : snapshotAt(Math.max(...offsets));
              expect(await log.latestSnapshot(stream)).toEqual(expected);
            }
          },
        ),
        { numRuns: 25 },
      );
    });

    it('refuses a snapshot beyond the head, at 0 or at a fraction, and keeps the one it had', async () => {
      const stream = await streamOf(log, 3);
      await log.saveSnapshot(stream, snapshotAt(2));
      for (const offset of [4, 0, -1, 2.5]) {
        const error = await refusal(() => log.saveSnapshot(stream, snapshotAt(offset)));
        expect(error.code).toBe('invalid_request');
        expect(error.message).toContain('head (3)');
      }
      const unknown = await refusal(() => log.saveSnapshot(newConversationStream(), snapshotAt(1)));
      expect(unknown.code).toBe('invalid_request');
      expect(await log.latestSnapshot(stream)).toEqual(snapshotAt(2));
    });

    it('lists every conversation that holds an event with its head and snapshot summary, in one read, after a reopen too', async () => {
      const bare = await streamOf(log, 3);
      const saved = await streamOf(log, 5);
      await streamOf(log, 0);
      await log.append(newAccountStream(), [accountDraft()]);
      await log.saveSnapshot(saved, snapshotAt(4, 'saved'));
      const idOf = (stream: StreamKey) => (stream.stream === 'conversation' ? stream.conversationId : '');
      const byId = async (store: LogWithSnapshots) =>
        new Map((await store.conversationHeads()).map((head) => [head.conversationId as string, head]));
      const expected = new Map([
        [idOf(bare), { conversationId: idOf(bare), head: 3, snapshot: undefined }],
        [
          idOf(saved),
          { conversationId: idOf(saved), head: 5, snapshot: { offset: 4, summary: snapshotAt(4, 'saved').summary } },
        ],
      ]);
      expect(await byId(log)).toEqual(expected);
      await log.close();
      const reopened = await fixture.reopen();
      expect(await byId(reopened)).toEqual(expected);
      // Events committed after the reopen move the head at once.
      await reopened.append(bare, deltaDrafts(bare, newMessageId(), 1, 2));
      expect((await byId(reopened)).get(idOf(bare))?.head).toBe(5);
      await reopened.close();
      expect((await refusal(() => reopened.conversationHeads())).code).toBe('unavailable');
    });

    it('refuses to save once the log is closed', async () => {
      const stream = await streamOf(log, 2);
      await log.close();
      expect((await refusal(() => log.saveSnapshot(stream, snapshotAt(1)))).code).toBe('unavailable');
    });
  });
}
