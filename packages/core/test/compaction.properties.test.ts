import type { ConversationId, IncomingEvent } from '@once/protocol';
import { compactEvents } from '@once/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConversationState, fromSnapshot, reduce, reduceAll, snapshot } from '../src/index.ts';
import { buildConversation, conversationArbitrary, idsFor } from './conversation-script.ts';

const RUNS = { numRuns: 200 };

const conversationId = idsFor(0)() as ConversationId;
const start = () => createConversationState(conversationId);
const foldAll = (events: readonly IncomingEvent[]) => reduceAll(start(), events);

/** The ids of the messages a stream opened. */
function messageIdsOf(events: readonly IncomingEvent[]): string[] {
  return events.flatMap((event) =>
    event.type === 'message_open' && 'messageId' in event && event.messageId !== undefined ? [event.messageId] : [],
  );
}

/** A stream, the messages chosen for compaction, and a cursor anywhere in the stream. */
const compactionArbitrary = conversationArbitrary
  .map((turns) => buildConversation(turns, conversationId))
  .chain((events) =>
    fc.tuple(
      fc.constant(events),
      fc.subarray(messageIdsOf(events)),
      fc.subarray(messageIdsOf(events)),
      fc.nat(events.length),
    ),
  );

/** The events of `compacted` after `cursor`: what a reader holding `cursor` is sent. */
const after = (compacted: readonly IncomingEvent[], cursor: number) =>
  compacted.filter((event) => event.offset > cursor);

// Each property folds hundreds of generated conversations: seconds on a busy 2-core CI machine.
describe('compaction (properties over generated conversations)', { timeout: 60_000 }, () => {
  it('removes only block events of completed messages, and shrinks the stream when it removes any', () => {
    fc.assert(
      fc.property(compactionArbitrary, ([events, chosen]) => {
        const compacted = compactEvents(events, chosen);
        const kept = new Set(compacted.map((event) => event.offset));
        for (const event of events) {
          if (kept.has(event.offset)) continue;
          expect(['block_open', 'block_delta', 'block_close']).toContain(event.type);
          expect(chosen).toContain('messageId' in event ? event.messageId : undefined);
        }
        expect(compacted.at(-1)?.offset).toBe(events.at(-1)?.offset);
      }),
      RUNS,
    );
  });

  it('a reader holding any cursor of the uncompacted stream continues on the compacted one to the same state, no gap', () => {
    fc.assert(
      fc.property(compactionArbitrary, ([events, chosen, , cursor]) => {
        const whole = foldAll(events);
        const held = foldAll(events.slice(0, cursor));
        const resumed = reduceAll(held, after(compactEvents(events, chosen), cursor));
        expect(resumed.resync).toBeUndefined();
        expect(resumed).toEqual(whole);
      }),
      RUNS,
    );
  });

  it('a reader starting from the snapshot at any cursor, served as JSON, continues on the compacted stream to the same state', () => {
    fc.assert(
      fc.property(compactionArbitrary, ([events, chosen, , cursor]) => {
        const served = JSON.parse(JSON.stringify(snapshot(foldAll(events.slice(0, cursor)))));
        const resumed = reduceAll(fromSnapshot(served), after(compactEvents(events, chosen), cursor));
        expect(resumed).toEqual(foldAll(events));
      }),
      RUNS,
    );
  });

  it('folding the compacted stream, from the start or resumed at any of its offsets, equals folding the whole stream', () => {
    fc.assert(
      fc.property(compactionArbitrary, ([events, chosen, , cursor]) => {
        const compacted = compactEvents(events, chosen);
        expect(foldAll(compacted)).toEqual(foldAll(events));
        // A reader of the compacted stream that stopped at any offset it was sent.
        const stop = compacted.filter((event) => event.offset <= cursor).at(-1)?.offset ?? 0;
        const held = foldAll(after(compacted, 0).filter((event) => event.offset <= stop));
        expect(reduceAll(held, after(compacted, stop))).toEqual(foldAll(events));
      }),
      RUNS,
    );
  });

  it('compacting in two rounds reads the same as compacting once, and replaying events does no harm', () => {
    fc.assert(
      fc.property(compactionArbitrary, ([events, first, second, cursor]) => {
        const twice = compactEvents(compactEvents(events, first), [...first, ...second]);
        expect(twice).toEqual(compactEvents(events, [...first, ...second]));
        // A reconnect that replays from an earlier cursor delivers events a second time.
        const replayed = [...after(twice, 0), ...after(twice, cursor)];
        expect(reduceAll(start(), replayed)).toEqual(foldAll(events));
      }),
      RUNS,
    );
  });

  it('an event lost from the compacted stream is still refused as a gap, never absorbed', () => {
    const dropArbitrary = compactionArbitrary
      .map(([events, chosen]) => compactEvents(events, chosen))
      .filter((compacted) => compacted.length >= 2)
      .chain((compacted) => fc.tuple(fc.constant(compacted), fc.nat(compacted.length - 2)));
    fc.assert(
      fc.property(dropArbitrary, ([compacted, dropped]) => {
        const delivered = compacted.filter((_, index) => index !== dropped);
        const state = reduceAll(start(), delivered);
        const before = compacted[dropped - 1]?.offset ?? 0;
        expect(state.resync).toMatchObject({ reason: 'offset_gap', afterOffset: before });
        expect(state.offset).toBe(before);
      }),
      RUNS,
    );
  });

  it('ignores a previousOffset that does not come before the event', () => {
    const events = buildConversation(
      [
        {
          userText: 'hi',
          withClientMessageId: false,
          blocks: [{ type: 'text', deltas: ['a', 'b'] }],
          status: 'complete',
          approval: 'none',
          queuedDuringPrevious: false,
          queuedAt: 0,
          withUnknownEvent: false,
          withDataPart: false,
        },
      ],
      conversationId,
    );
    const third = events[2];
    if (third === undefined) throw new Error('unreachable');
    const state = reduceAll(start(), events.slice(0, 1));
    const refused = reduce(state, { ...third, previousOffset: third.offset } as IncomingEvent);
    expect(refused.resync).toMatchObject({ reason: 'offset_gap', afterOffset: 1, refusedOffset: third.offset });
  });
});
