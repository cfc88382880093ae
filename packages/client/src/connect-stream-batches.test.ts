import { createMessageStore } from '@once/core';
import type { IncomingEvent } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createManualTimers } from '../test/manual-timers.ts';
import {
  activityAt,
  CONVERSATION_ID,
  createScriptedTransport,
  emptySnapshot,
  orphanDeltaAt,
} from '../test/scripted-transport.ts';
import { connectStream } from './connect-stream.ts';
import { conversationTarget } from './conversation-target.ts';
import { createDeliveryLog } from './delivery-log.ts';
import type { TransportItem } from './transport.ts';

/** What one attempt left behind: the store, the wire log, and where the next attempt starts. */
async function followOnce(items: readonly TransportItem[]) {
  const transport = createScriptedTransport(emptySnapshot(5));
  const store = createMessageStore({ conversationId: CONVERSATION_ID });
  const deliveries = createDeliveryLog();
  const timers = createManualTimers();
  const connection = connectStream({
    transport,
    target: conversationTarget(transport, store, { deliveries }),
    timers,
    random: () => 0.5,
    backoff: { initialMs: 10, maxMs: 10 },
  });
  await vi.waitFor(() => expect(transport.streams).toHaveLength(1), { interval: 1 });
  const first = transport.streams[0] ?? expect.unreachable();
  first.push(...items);
  first.end();
  // An attempt that made no progress waits its backoff (10 ms) on the manual clock.
  await vi.waitFor(
    () => {
      timers.advance(10);
      expect(transport.streams).toHaveLength(2);
    },
    { interval: 1 },
  );
  const next = transport.streams[1] ?? expect.unreachable();
  const { offset, resync, messages, activity } = store.getSnapshot();
  const { recent: _recent, ...counts } = deliveries.getSnapshot();
  const result = {
    store: { offset, resync, messages, activity },
    deliveries: {
      ...counts,
      outcomes: deliveries.getSnapshot().recent.map((each) => [each.event.offset, each.outcome]),
    },
    nextAfterOffset: next.afterOffset,
    snapshotsServed: transport.snapshotsServed(),
  };
  connection.close();
  await connection.done;
  return result;
}

/** A delivered event: usually the next offset, sometimes a repeat, a gap, or a delta whose seq skips. */
const delivery = fc.oneof(
  { weight: 8, arbitrary: fc.constant('next' as const) },
  { weight: 2, arbitrary: fc.constant('repeat' as const) },
  { weight: 1, arbitrary: fc.constant('gap' as const) },
  { weight: 1, arbitrary: fc.constant('orphan' as const) },
);

function toEvents(
  kinds: readonly (typeof delivery extends fc.Arbitrary<infer Kind> ? Kind : never)[],
): IncomingEvent[] {
  let offset = 5;
  return kinds.map((kind) => {
    if (kind === 'repeat') return eventOf(activityAt(Math.max(1, offset - 1)));
    if (kind === 'gap') offset += 2;
    else offset += 1;
    return eventOf(kind === 'orphan' ? orphanDeltaAt(offset) : activityAt(offset));
  });
}

function eventOf(item: TransportItem): IncomingEvent {
  if (item.kind !== 'event') throw new Error('unreachable');
  return item.event;
}

/** Cuts `events` into runs of the given lengths (cycled), each one `events` item. */
function batched(events: readonly IncomingEvent[], lengths: readonly number[]): TransportItem[] {
  const items: TransportItem[] = [];
  let at = 0;
  for (let index = 0; at < events.length; index += 1) {
    const length = lengths[index % lengths.length] ?? 1;
    items.push({ kind: 'events', events: events.slice(at, at + length) });
    at += length;
  }
  return items;
}

describe('connectStream with batched events', () => {
  it('ends in the same state as when each event comes alone: store, wire log, and where it resumes or refetches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(delivery, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }),
        async (kinds, lengths) => {
          const events = toEvents(kinds);
          const alone = await followOnce(events.map((event) => ({ kind: 'event', event })));
          const together = await followOnce(batched(events, lengths));
          expect(together).toEqual(alone);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('applies nothing after the first refused event of a batch', async () => {
    const events = [6, 7, 9, 8, 10].map((offset) => eventOf(activityAt(offset)));
    const result = await followOnce([{ kind: 'events', events }]);
    expect(result.store.offset).toBe(7);
    expect(result.deliveries.outcomes).toEqual([
      [6, 'applied'],
      [7, 'applied'],
      [9, 'refused'],
    ]);
    expect(result.nextAfterOffset).toBe(7);
  });
});
