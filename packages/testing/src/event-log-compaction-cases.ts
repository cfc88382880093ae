import type { EventDraft, EventLog, SnapshotStore, StoredEvent, StreamKey } from '@once/log';
import type { ConversationId, IncomingEvent, Offset } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactEvents } from './compact-events.ts';
import { buildConversation, conversationArbitrary } from './conversation-script.ts';
import { newAccountStream, newConversationStream } from './event-drafts.ts';
import type { EventLogFixture } from './event-log-fixture.ts';

// Each run writes and compacts a stream of real storage: a few runs, not hundreds.
const RUNS = { numRuns: 12 };

/** The events as a log stores them: what was appended, with its offset (no reader-side marks). */
function asStored(events: readonly IncomingEvent[]): StoredEvent[] {
  return events.map((event) => {
    const { unknownType: _reader, ...stored } = event as IncomingEvent & { unknownType?: true };
    return stored as StoredEvent;
  });
}

function draftsOf(events: readonly IncomingEvent[]): EventDraft[] {
  return asStored(events).map(({ offset: _assigned, ...draft }) => draft as EventDraft);
}

function messageIdsOf(events: readonly IncomingEvent[]): string[] {
  return events.flatMap((event) =>
    event.type === 'message_open' && 'messageId' in event && event.messageId !== undefined ? [event.messageId] : [],
  );
}

/** Everything after `after`, read in pages of `pageSize` until a short page. */
async function readAfter(log: EventLog, stream: StreamKey, after: number, pageSize: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await log.read(stream, cursor as Offset, pageSize);
    events.push(...page);
    if (page.length < pageSize) return events;
    cursor = page[page.length - 1]?.offset ?? cursor;
  }
}

/** Appends a generated conversation to a new stream in chunks; returns the stream and its events. */
async function writeConversation(log: EventLog, turns: Parameters<typeof buildConversation>[0], chunk: number) {
  const stream = newConversationStream();
  const events = buildConversation(turns, stream.conversationId as ConversationId);
  const drafts = draftsOf(events);
  for (let start = 0; start < drafts.length; start += chunk)
    await log.append(stream, drafts.slice(start, start + chunk));
  return { stream, events };
}

const compactionRun = conversationArbitrary.chain((turns) => {
  const events = buildConversation(turns);
  return fc.record({
    turns: fc.constant(turns),
    chosen: fc.subarray(messageIdsOf(events)),
    more: fc.subarray(messageIdsOf(events)),
    chunk: fc.integer({ min: 1, max: 40 }),
    pageSize: fc.integer({ min: 1, max: 9 }),
    cursors: fc.array(fc.nat(events.length), { minLength: 1, maxLength: 4 }),
  });
});

/** Compaction cases of the conformance suite; `getFixture` gives the current test's fixture. */
export function describeEventLogCompaction(getFixture: () => EventLogFixture): void {
  // Property runs over real storage: seconds each on a busy 2-core CI machine.
  describe('compaction', { timeout: 60_000 }, () => {
    it('reads, from any cursor and in pages of any size, exactly the compacted stream of the reference rule', async () => {
      const { log } = getFixture();
      await fc.assert(
        fc.asyncProperty(compactionRun, async ({ turns, chosen, chunk, pageSize, cursors }) => {
          const { stream, events } = await writeConversation(log, turns, chunk);
          // Message ids are generated per conversation shape: the same ids name this stream's messages.
          const ids = messageIdsOf(events).filter((id) => chosen.includes(id));
          const expected = asStored(compactEvents(events, ids));
          const { removed } = await log.compact(stream, ids);
          expect(removed).toBe(events.length - expected.length);
          expect(await log.head(stream)).toBe(events.length);
          for (const cursor of [0, ...cursors]) {
            expect(await readAfter(log, stream, cursor, pageSize)).toEqual(
              expected.filter((event) => event.offset > cursor),
            );
          }
          const entries = await log.readEntries(stream, 0 as Offset, expected.length + 1);
          expect(entries.map((entry) => [entry.offset, entry.type])).toEqual(
            expected.map((event) => [event.offset, event.type]),
          );
          expect(entries.map((entry) => JSON.parse(entry.json))).toEqual(expected);
          // Again: nothing left to remove, nothing changes.
          expect((await log.compact(stream, ids)).removed).toBe(0);
          expect(await readAfter(log, stream, 0, pageSize)).toEqual(expected);
        }),
        RUNS,
      );
    });

    it('compacting in two rounds stores what compacting once does', async () => {
      const { log } = getFixture();
      await fc.assert(
        fc.asyncProperty(compactionRun, async ({ turns, chosen, more, chunk }) => {
          const { stream, events } = await writeConversation(log, turns, chunk);
          await log.compact(stream, chosen);
          await log.compact(stream, [...more, ...chosen]);
          expect(await readAfter(log, stream, 0, 50)).toEqual(asStored(compactEvents(events, [...chosen, ...more])));
        }),
        RUNS,
      );
    });

    it('keeps the compacted stream across a reopen, and appends go on after the head', async () => {
      const fixture = getFixture();
      const turns = fc.sample(
        conversationArbitrary.filter((sample) => sample.length >= 2),
        { numRuns: 1, seed: 15 },
      );
      const first = turns[0];
      if (first === undefined) throw new Error('no sample');
      const { stream, events } = await writeConversation(fixture.log, first, 7);
      const ids = messageIdsOf(events);
      const expected = asStored(compactEvents(events, ids));
      expect((await fixture.log.compact(stream, ids)).removed).toBeGreaterThan(0);
      await fixture.log.close();
      const reopened = await fixture.reopen();
      expect(await readAfter(reopened, stream, 0, 4)).toEqual(expected);
      expect(await reopened.head(stream)).toBe(events.length);
      const [next] = await reopened.append(stream, [
        {
          stream: 'conversation',
          conversationId: stream.conversationId as ConversationId,
          type: 'activity',
          ts: '2026-11-23T21:10:00.000Z',
          data: { phase: 'idle' },
        } as EventDraft,
      ]);
      expect(next?.offset).toBe(events.length + 1);
    });

    it('removes a whole conversation stream: nothing to read, the head kept, other streams untouched, across a reopen', async () => {
      const fixture = getFixture();
      const sample = fc.sample(conversationArbitrary, { numRuns: 1, seed: 11 })[0];
      if (sample === undefined) throw new Error('no sample');
      const gone = await writeConversation(fixture.log, sample, 5);
      const kept = await writeConversation(fixture.log, sample, 5);
      const store = fixture.log as Partial<SnapshotStore>;
      const snapshot = { offset: 1 as Offset, state: '{}', summary: '{}' };
      await store.saveSnapshot?.(gone.stream, snapshot);
      await store.saveSnapshot?.(kept.stream, snapshot);
      expect((await fixture.log.removeStream(gone.stream)).removed).toBe(gone.events.length);
      // Its stored snapshot, where the log keeps them, goes with it; another stream's stays.
      expect(await store.latestSnapshot?.(gone.stream)).toBeUndefined();
      if (store.latestSnapshot !== undefined) expect(await store.latestSnapshot(kept.stream)).toEqual(snapshot);
      expect(await readAfter(fixture.log, gone.stream, 0, 7)).toEqual([]);
      expect(await fixture.log.read(gone.stream, 3 as Offset, 10)).toEqual([]);
      expect(await fixture.log.head(gone.stream)).toBe(gone.events.length);
      expect(await readAfter(fixture.log, kept.stream, 0, 7)).toEqual(asStored(kept.events));
      expect((await fixture.log.removeStream(gone.stream)).removed).toBe(0);
      expect((await fixture.log.removeStream(newConversationStream())).removed).toBe(0);
      await expect(fixture.log.removeStream(newAccountStream())).rejects.toMatchObject({ code: 'invalid_request' });
      await fixture.log.close();
      const reopened = await fixture.reopen();
      expect(await readAfter(reopened, gone.stream, 0, 7)).toEqual([]);
      expect(await reopened.head(gone.stream)).toBe(gone.events.length);
      expect(await readAfter(reopened, kept.stream, 0, 7)).toEqual(asStored(kept.events));
    });

    it('leaves a message that is not complete, and an unknown one, as they are; refuses an account stream', async () => {
      const { log } = getFixture();
      const sample = fc.sample(conversationArbitrary, { numRuns: 1, seed: 7 })[0];
      if (sample === undefined) throw new Error('no sample');
      const whole = buildConversation(sample);
      // Up to the last message_complete, not included: the last message is still streaming.
      const streaming = whole.findLastIndex((event) => event.type === 'message_complete');
      const stream = newConversationStream();
      const events = buildConversation(sample, stream.conversationId as ConversationId).slice(0, streaming);
      await log.append(stream, draftsOf(events));
      const ids = [...messageIdsOf(events), '019a0000-0000-7000-8000-000000000000'];
      const expected = asStored(compactEvents(events, ids));
      await log.compact(stream, ids);
      expect(await readAfter(log, stream, 0, 50)).toEqual(expected);
      const last = messageIdsOf(events).at(-1);
      expect(
        expected.some((event) => event.type === 'block_open' && event.messageId === last) ||
          !events.some((event) => event.type === 'block_open' && 'messageId' in event && event.messageId === last),
      ).toBe(true);
      await expect(log.compact(newAccountStream(), [])).rejects.toMatchObject({ code: 'invalid_request' });
    });
  });
}
