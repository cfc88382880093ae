import { type ConversationId, EVENT_TYPES, type IncomingEvent, parseIncomingEvent } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alternativesOf,
  type ConversationState,
  createConversationState,
  currentPath,
  fromSnapshot,
  leafOf,
  parentOf,
  reduce,
  reduceAll,
  snapshot,
} from '../src/index.ts';
import { buildConversation, conversationArbitrary, idsFor } from './conversation-script.ts';

const RUNS = { numRuns: 250 };

const conversationId = idsFor(0)() as ConversationId;
const foreignId = idsFor(7)() as ConversationId;
const streamArbitrary = conversationArbitrary.map((turns) => buildConversation(turns, conversationId));
const start = () => createConversationState(conversationId);
const foldAll = (events: readonly IncomingEvent[]) => reduceAll(start(), events);

// Each property folds hundreds of generated conversations: seconds on a busy 2-core CI
// machine (7.7 s once, past Vitest's default 5 s).
describe('reduce (properties over generated conversations)', { timeout: 60_000 }, () => {
  it('generates only valid protocol events', () => {
    fc.assert(
      fc.property(streamArbitrary, (events) => {
        for (const event of events) expect(parseIncomingEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
      }),
      { numRuns: 50 },
    );
  });

  it('1. applying any event twice equals applying it once', () => {
    fc.assert(
      fc.property(streamArbitrary, (events) => {
        let state = start();
        for (const event of events) {
          state = reduce(state, event);
          // The same object back: nothing changed, so nothing re-renders.
          expect(reduce(state, event)).toBe(state);
        }
        expect(state.resync).toBeUndefined();
        expect(state.offset).toBe(events.length);
      }),
      RUNS,
    );
  });

  it('2. a delivery that replays prefixes again (reconnects) converges to reduce(all events)', () => {
    const deliveryArbitrary = streamArbitrary.chain((events) =>
      fc.tuple(
        fc.constant(events),
        fc.array(fc.tuple(fc.nat(events.length), fc.nat(events.length)), { maxLength: 8 }),
        fc.array(fc.nat(events.length - 1), { maxLength: 10 }),
      ),
    );
    fc.assert(
      fc.property(deliveryArbitrary, ([events, reconnects, duplicates]) => {
        // Each reconnect delivers up to `cut`, then resumes from an earlier `back` offset.
        const delivery: IncomingEvent[] = [];
        let position = 0;
        for (const [cut, back] of reconnects) {
          const end = Math.max(position, cut);
          delivery.push(...events.slice(position, end));
          position = Math.min(back, end);
        }
        delivery.push(...events.slice(position));
        // Duplicate deliveries of single events anywhere.
        for (const index of duplicates) {
          const event = events[index];
          if (event) delivery.splice(Math.min(delivery.length, index + 1), 0, event);
        }
        expect(reduceAll(start(), delivery)).toEqual(foldAll(events));
      }),
      RUNS,
    );
  });

  it('3. history equals stream: reduce(fromSnapshot(snapshot at k), events after k) equals reduce(all)', () => {
    fc.assert(
      fc.property(streamArbitrary, (events) => {
        const whole = foldAll(events);
        let state = start();
        for (let k = 0; k <= events.length; k += 1) {
          // Through JSON, as the history endpoint serves it.
          const served = JSON.parse(JSON.stringify(snapshot(state)));
          expect(reduceAll(fromSnapshot(served), events.slice(k))).toEqual(whole);
          const next = events[k];
          if (next) state = reduce(state, next);
        }
      }),
      RUNS,
    );
  });

  it('4. dropping any single event is detected, never silently absorbed, and resuming recovers', () => {
    const dropArbitrary = streamArbitrary
      .filter((events) => events.length >= 2)
      .chain((events) => fc.tuple(fc.constant(events), fc.nat(events.length - 2)));
    fc.assert(
      fc.property(dropArbitrary, ([events, dropped]) => {
        const delivered = events.filter((_, index) => index !== dropped);
        const state = reduceAll(start(), delivered);
        expect(state.resync).toMatchObject({ reason: 'offset_gap', afterOffset: dropped });
        expect(state.offset).toBe(dropped);
        // The caller resumes after `afterOffset` and ends exactly where a full delivery ends.
        const resync = state.resync;
        if (!resync) throw new Error('unreachable');
        const recovered = reduceAll(state, events.slice(resync.afterOffset));
        expect(recovered).toEqual(foldAll(events));
      }),
      RUNS,
    );
  });

  it('5. events of other conversations and of the account stream, interleaved anywhere, change nothing', () => {
    const mixArbitrary = fc.tuple(streamArbitrary, conversationArbitrary).chain(([events, otherTurns]) => {
      const foreign: IncomingEvent[] = [
        ...buildConversation(otherTurns, foreignId),
        ...events.map((event) => ({ ...event, stream: 'account' }) as IncomingEvent),
      ];
      return fc.tuple(
        fc.constant(events),
        fc.shuffledSubarray(foreign, { minLength: 0, maxLength: foreign.length }),
        fc.array(fc.nat(), { maxLength: foreign.length }),
      );
    });
    fc.assert(
      fc.property(mixArbitrary, ([events, foreign, positions]) => {
        const delivery = [...events];
        foreign.forEach((event, index) => {
          delivery.splice((positions[index] ?? 0) % (delivery.length + 1), 0, event);
        });
        let state: ConversationState = start();
        for (const event of delivery) {
          const next = reduce(state, event);
          if (event.stream !== 'conversation' || event.conversationId !== conversationId) expect(next).toBe(state);
          state = next;
        }
        expect(state).toEqual(foldAll(events));
      }),
      RUNS,
    );
  });

  it('the fold keeps every app event (type the protocol does not define), in offset order, with its data', () => {
    fc.assert(
      fc.property(streamArbitrary, (events) => {
        const appEvents = events.filter((event) => !EVENT_TYPES.has(event.type));
        const kept = foldAll(events).appEvents;
        expect(kept.map(({ offset, type, data }) => ({ offset, type, data }))).toEqual(
          appEvents.map(({ offset, type, data }) => ({ offset, type, data })),
        );
        for (const record of kept) {
          if (record.type === 'data_progress') expect(record).toMatchObject({ beforeBlock: 0 });
          expect(record.messageId ?? record.afterMessageId).toBeDefined();
        }
      }),
      RUNS,
    );
  });

  it('deltas fold to the same message the writer reports in message_complete', () => {
    fc.assert(
      fc.property(streamArbitrary, (events) => {
        let state = start();
        for (const event of events) {
          if (event.type === 'message_complete' && 'messageId' in event) {
            const before = state.messages.find((message) => message.id === event.messageId);
            const { message: final } = (event as Extract<IncomingEvent, { type: 'message_complete' }>).data;
            expect(before?.blocks).toEqual(final.blocks);
            expect(before?.watermarks).toEqual(final.watermarks);
            // Attachments come with message_open; the writer's final snapshot has the same ones.
            expect(before?.attachments).toEqual(final.attachments);
          }
          state = reduce(state, event);
        }
      }),
      RUNS,
    );
  });
  it('branches: the current path runs from the start to the leaf, and every message is among its alternatives', () => {
    fc.assert(
      fc.property(streamArbitrary, (events) => {
        const state = foldAll(events);
        const path = currentPath(state);
        expect(path.at(-1)?.id).toBe(leafOf(state));
        path.forEach((message, index) => {
          expect(parentOf(state, message.id)).toBe(index === 0 ? null : path[index - 1]?.id);
        });
        for (const message of state.messages) {
          const { ids, index } = alternativesOf(state, message.id);
          expect(ids[index]).toBe(message.id);
          // A regenerated or edited message is an alternative to the one it replaces.
          if (message.replaces !== undefined) expect(ids).toContain(message.replaces);
        }
      }),
      RUNS,
    );
  });
});
