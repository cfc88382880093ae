import type { EventDraft, EventLog, StoredEntry, StoredEvent, StreamKey } from '@once/log';
import { type Offset, START_OFFSET } from '@once/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accountDraft,
  deltaDraft,
  deltaDrafts,
  newAccountStream,
  newConversationStream,
  newMessageId,
} from './event-drafts.ts';
import { describeEventLogCompaction } from './event-log-compaction-cases.ts';
import { describeEventLogConcurrency } from './event-log-concurrency-cases.ts';
import type { CreateEventLogFixture, EventLogFixture } from './event-log-fixture.ts';
import { describeEventLogSentOnce } from './event-log-sent-once-cases.ts';
import { readAll } from './read-all.ts';

export type { CreateEventLogFixture, EventLogFixture } from './event-log-fixture.ts';
export { readAll } from './read-all.ts';

/** Offsets 1…n. */
export function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index + 1);
}

const offsetsOf = (entries: readonly { readonly offset: number }[]) => entries.map((entry) => entry.offset);
/** What an entry says of the stored event, leaving out the object form a log may add (`StoredEntry.event`). */
const storedText = ({ offset, type, json }: StoredEntry) => ({ offset, type, json });
/** An entry's object form, where the log gives one, is exactly its stored text parsed. */
const expectEventsMatchText = (entries: readonly StoredEntry[]) => {
  for (const entry of entries) if (entry.event !== undefined) expect(entry.event).toEqual(JSON.parse(entry.json));
};

/** Appends and parses what `append` hands back, for tests that compare events. */
export async function appendEvents(
  log: EventLog,
  stream: StreamKey,
  drafts: readonly EventDraft[],
): Promise<StoredEvent[]> {
  return (await log.append(stream, drafts)).map((entry) => JSON.parse(entry.json) as StoredEvent);
}

/**
 * The behaviour every {@link EventLog} must have, as a Vitest suite. An implementation's
 * test file calls it with a factory over real storage.
 */
export function describeEventLogConformance(name: string, createLog: CreateEventLogFixture): void {
  describe(`EventLog conformance: ${name}`, () => {
    let fixture: EventLogFixture;
    let log: EventLog;
    beforeEach(async () => {
      fixture = await createLog();
      log = fixture.log;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('offsets', () => {
      it('numbers each stream 1, 2, 3, … without gaps, independently of other streams', async () => {
        const first = newConversationStream();
        const second = newConversationStream();
        const account = newAccountStream();
        const one = newMessageId();
        const two = newMessageId();
        expect(offsetsOf(await log.append(first, deltaDrafts(first, one, 1, 3)))).toEqual([1, 2, 3]);
        expect(offsetsOf(await log.append(second, deltaDrafts(second, two, 1, 2)))).toEqual([1, 2]);
        expect(offsetsOf(await log.append(account, [accountDraft()]))).toEqual([1]);
        expect(offsetsOf(await log.append(first, deltaDrafts(first, one, 4, 2)))).toEqual([4, 5]);
        expect(offsetsOf(await readAll(log, first))).toEqual(range(5));
        expect(offsetsOf(await readAll(log, second))).toEqual(range(2));
        expect(offsetsOf(await readAll(log, account))).toEqual(range(1));
      });

      it('returns and reads back each event exactly as appended, plus its offset', async () => {
        const stream = newConversationStream();
        const drafts = deltaDrafts(stream, newMessageId(), 1, 3);
        const notified: StoredEntry[] = [];
        const unsubscribe = log.onCommit((notice) => {
          if (notice.stream.stream === 'conversation' && notice.stream.conversationId === stream.conversationId) {
            notified.push(...(notice.entries ?? []));
          }
        });
        const entries = await log.append(stream, drafts);
        unsubscribe();
        expect(entries.map(storedText)).toEqual(await log.readEntries(stream, START_OFFSET, 10));
        expectEventsMatchText(entries);
        expect(notified.map(storedText)).toEqual(entries.map(storedText).slice(0, notified.length));
        expectEventsMatchText(notified);
        expect(entries.map((entry) => [entry.offset, entry.type])).toEqual(
          drafts.map((draft, index) => [index + 1, draft.type]),
        );
        const appended = entries.map((entry) => JSON.parse(entry.json) as StoredEvent);
        expect(appended).toEqual(drafts.map((draft, index) => ({ offset: index + 1, ...draft })));
        const read = await readAll(log, stream);
        expect(read).toEqual(appended);
        expect(JSON.stringify(await readAll(log, stream))).toBe(JSON.stringify(read));
        expect(Object.keys(read[0] ?? {})[0]).toBe('offset');
      });

      it('reports the head: 0 for an unknown stream, then the last offset', async () => {
        const stream = newConversationStream();
        expect(await log.head(stream)).toBe(0);
        expect(await log.read(stream, START_OFFSET, 10)).toEqual([]);
        await log.append(stream, deltaDrafts(stream, newMessageId(), 1, 4));
        expect(await log.head(stream)).toBe(4);
        expect(await log.head(newConversationStream())).toBe(0);
      });
    });

    describe('reads', () => {
      it('returns the events after an offset, in order, at most `limit` of them', async () => {
        const stream = newConversationStream();
        await log.append(stream, deltaDrafts(stream, newMessageId(), 1, 10));
        expect(offsetsOf(await log.read(stream, 3 as Offset, 4))).toEqual([4, 5, 6, 7]);
        expect(offsetsOf(await log.read(stream, 8 as Offset, 100))).toEqual([9, 10]);
        expect(offsetsOf(await log.read(stream, START_OFFSET, 1))).toEqual([1]);
        expect(await log.read(stream, 10 as Offset, 5)).toEqual([]);
        expect(await log.read(stream, 50 as Offset, 5)).toEqual([]);
      });

      it('reads entries as stored JSON text with the right offset and type, parsing to what read returns', async () => {
        const stream = newConversationStream();
        await log.append(stream, deltaDrafts(stream, newMessageId(), 1, 6));
        const entries = await log.readEntries(stream, 2 as Offset, 3);
        const events = await log.read(stream, 2 as Offset, 3);
        expect(entries.map((entry) => JSON.parse(entry.json))).toEqual(events);
        expect(entries.map(({ offset, type }) => ({ offset, type }))).toEqual(
          events.map(({ offset, type }) => ({ offset, type })),
        );
        expect(await log.readEntries(stream, 6 as Offset, 3)).toEqual([]);
      });

      it('reads only the stream asked for', async () => {
        const first = newConversationStream();
        const second = newConversationStream();
        await log.append(first, deltaDrafts(first, newMessageId(), 1, 2));
        await log.append(second, deltaDrafts(second, newMessageId(), 1, 2));
        const read = await readAll(log, first);
        expect(read.map((event) => event.conversationId)).toEqual([first.conversationId, first.conversationId]);
      });
    });

    describe('idempotent appends', () => {
      it('stores the same batch once when it is appended twice', async () => {
        const stream = newConversationStream();
        const drafts = deltaDrafts(stream, newMessageId(), 1, 4);
        const first = await appendEvents(log, stream, drafts);
        const second = await appendEvents(log, stream, drafts);
        expect(second).toEqual(first);
        expect(await log.head(stream)).toBe(4);
        expect(await readAll(log, stream)).toEqual(first);
      });

      it('stores only the new part of an overlapping batch', async () => {
        const stream = newConversationStream();
        const message = newMessageId();
        await log.append(stream, deltaDrafts(stream, message, 1, 5));
        const overlapping = await log.append(stream, deltaDrafts(stream, message, 3, 6));
        expect(offsetsOf(overlapping)).toEqual([3, 4, 5, 6, 7, 8]);
        expect((await readAll(log, stream)).map((event) => event.seq)).toEqual(range(8));
      });

      it('stores a duplicate inside one batch once and returns the first for both', async () => {
        const stream = newConversationStream();
        const message = newMessageId();
        const drafts = [1, 2, 2, 3, 1].map((seq) => deltaDraft(stream, message, seq));
        const appended = await log.append(stream, drafts);
        expect(offsetsOf(appended)).toEqual([1, 2, 2, 3, 1]);
        expect(appended.map(storedText)[2]).toEqual(appended.map(storedText)[1]);
        expectEventsMatchText(appended);
        expect(await log.head(stream)).toBe(3);
      });

      it('keeps the first stored version when a retry carries different content', async () => {
        const stream = newConversationStream();
        const message = newMessageId();
        const [original] = await log.append(stream, [deltaDraft(stream, message, 1, 'first')]);
        const [retried] = await log.append(stream, [deltaDraft(stream, message, 1, 'second')]);
        expect(retried && storedText(retried)).toEqual(original && storedText(original));
        expectEventsMatchText([retried, original].filter((entry) => entry !== undefined));
        expect((await readAll(log, stream)).map((event) => event.data)).toEqual([{ text: 'first' }]);
      });

      it('stores events without an identity every time they are appended', async () => {
        const stream = newAccountStream();
        const draft = accountDraft();
        await log.append(stream, [draft]);
        await log.append(stream, [draft, draft]);
        expect(offsetsOf(await readAll(log, stream))).toEqual([1, 2, 3]);
      });
    });

    describe('bad input', () => {
      it('rejects a draft of another conversation and stores nothing of that append', async () => {
        const stream = newConversationStream();
        const other = newConversationStream();
        const message = newMessageId();
        const append = log.append(stream, [deltaDraft(stream, message, 1), deltaDraft(other, message, 2)]);
        await expect(append).rejects.toMatchObject({ code: 'invalid_event' });
        expect(await log.head(stream)).toBe(0);
      });
    });

    describe('close and reopen', () => {
      it('commits appends still pending when close is called', async () => {
        const stream = newConversationStream();
        const message = newMessageId();
        const pending = [1, 2, 3].map((seq) => log.append(stream, [deltaDraft(stream, message, seq)]));
        await log.close();
        expect((await Promise.all(pending)).flat().map((event) => event.offset)).toEqual([1, 2, 3]);
        await expect(log.append(stream, [deltaDraft(stream, message, 4)])).rejects.toMatchObject({
          code: 'unavailable',
        });
        const reopened = await fixture.reopen();
        expect(offsetsOf(await readAll(reopened, stream))).toEqual([1, 2, 3]);
      });

      it('keeps every event across a reopen and continues the offsets', async () => {
        const stream = newConversationStream();
        const account = newAccountStream();
        const message = newMessageId();
        const before = await appendEvents(log, stream, deltaDrafts(stream, message, 1, 3));
        await log.append(account, [accountDraft()]);
        await log.close();
        const reopened = await fixture.reopen();
        expect(await reopened.head(stream)).toBe(3);
        expect(await readAll(reopened, stream)).toEqual(before);
        // The identities survive too: a retry after a restart stores nothing new.
        expect(await appendEvents(reopened, stream, deltaDrafts(stream, message, 2, 3))).toEqual([
          before[1],
          before[2],
          { offset: 4, ...deltaDraft(stream, message, 4) },
        ]);
        expect(offsetsOf(await reopened.append(account, [accountDraft()]))).toEqual([2]);
      });
    });

    describeEventLogConcurrency(() => log);
    describeEventLogCompaction(() => fixture);
    describeEventLogSentOnce(() => fixture);
  });
}
