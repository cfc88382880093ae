import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BufferState, createBufferState, offerEntry, requireResync, takeNext } from './domain-buffer.ts';

type Step = { readonly op: 'offer'; readonly rejected: boolean } | { readonly op: 'refetch' } | { readonly op: 'take' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('offer' as const), rejected: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'refetch' as const }) },
  { weight: 4, arbitrary: fc.constant({ op: 'take' as const }) },
);

describe('domain buffer', () => {
  it('never holds more than its capacity, and accounts for every entry offered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(step, { maxLength: 200 }), (capacity, steps) => {
        let state: BufferState = createBufferState();
        // A model of the queue the subscription keeps beside the counts: refused flags, oldest first.
        let queue: boolean[] = [];
        const totals = { offered: 0, offeredRejected: 0, taken: 0, takenRejected: 0, replaced: 0, replacedRejected: 0 };
        let overflowed = false;
        let reportedOverflow = false;
        for (const next of steps) {
          if (next.op === 'offer') {
            totals.offered += 1;
            if (next.rejected) totals.offeredRejected += 1;
            const wasFollowing = state.resync === undefined;
            if (wasFollowing && queue.length === capacity) overflowed = true;
            const offered = offerEntry(state, capacity, next.rejected);
            state = offered.state;
            if (offered.outcome === 'queue') queue.push(next.rejected);
            if (offered.outcome === 'overflow') queue = [];
          } else if (next.op === 'refetch') {
            state = requireResync(state, 'refetch');
            queue = [];
          } else {
            const taken = takeNext(state, queue[0] === true);
            state = taken.state;
            if (taken.next.kind === 'entry') {
              totals.taken += 1;
              if (queue.shift() === true) totals.takenRejected += 1;
            } else if (taken.next.kind === 'resync') {
              totals.replaced += taken.next.resync.replaced;
              totals.replacedRejected += taken.next.resync.rejected;
              if (taken.next.resync.reason === 'overflow') reportedOverflow = true;
            }
          }
          expect(state.queued).toBe(queue.length);
          expect(state.queued).toBeLessThanOrEqual(capacity);
          expect(state.queuedRejected).toBe(queue.filter(Boolean).length);
          const owed = state.resync ?? { replaced: 0, rejected: 0 };
          expect(totals.taken + totals.replaced + state.queued + owed.replaced).toBe(totals.offered);
          expect(totals.takenRejected + totals.replacedRejected + state.queuedRejected + owed.rejected).toBe(
            totals.offeredRejected,
          );
        }
        // Drain: an overflow that happened is reported by the time the consumer is done.
        for (let taken = takeNext(state, queue[0] === true); taken.next.kind !== 'none'; ) {
          if (taken.next.kind === 'resync' && taken.next.resync.reason === 'overflow') reportedOverflow = true;
          if (taken.next.kind === 'entry') queue.shift();
          state = taken.state;
          taken = takeNext(state, queue[0] === true);
        }
        expect(reportedOverflow).toBe(overflowed);
      }),
      { numRuns: 500 },
    );
  });

  it('starts by owing the consumer its state, and a refetch does not hide an overflow', () => {
    const start = createBufferState();
    expect(takeNext(start, false).next).toEqual({
      kind: 'resync',
      resync: { reason: 'subscribed', replaced: 0, rejected: 0 },
    });
    let state = takeNext(start, false).state;
    state = offerEntry(state, 1, false).state;
    state = offerEntry(state, 1, true).state;
    state = requireResync(state, 'refetch');
    expect(takeNext(state, false).next).toEqual({
      kind: 'resync',
      resync: { reason: 'overflow', replaced: 2, rejected: 1 },
    });
  });
});
