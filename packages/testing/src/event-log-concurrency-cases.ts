import type { CommitNotice, EventLog, StoredEvent, StreamKey } from '@once/log';
import type { Offset } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deltaDrafts, newConversationStream, newMessageId } from './event-drafts.ts';

/** One concurrent writer of a property run: one message on one of the streams. */
interface AppenderPlan {
  /** Which of the run's streams it writes to. */
  readonly stream: number;
  /** Events per append call, in call order. */
  readonly batches: readonly number[];
  /** Awaits each append before the next (a streaming turn), or fires them all at once. */
  readonly awaitEach: boolean;
  /** Appends everything once more at the end, as a writer retrying after an error would. */
  readonly retry: boolean;
}

const STREAMS_PER_RUN = 4;

const appenderPlan: fc.Arbitrary<AppenderPlan> = fc.record({
  stream: fc.nat({ max: STREAMS_PER_RUN - 1 }),
  batches: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }),
  awaitEach: fc.boolean(),
  retry: fc.boolean(),
});

async function readStream(log: EventLog, stream: StreamKey): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await log.read(stream, (events.at(-1)?.offset ?? 0) as Offset, 50);
    events.push(...page);
    if (page.length < 50) return events;
  }
}

/** Concurrency cases of the conformance suite; `getLog` gives the current test's log. */
export function describeEventLogConcurrency(getLog: () => EventLog): void {
  // A property run of real appends: seconds on a busy 2-core CI machine (5.3 s once, past Vitest's default 5 s).
  describe('concurrent appends', { timeout: 60_000 }, () => {
    it('ends gapless, with each appender’s events in its call order, whatever the interleaving', async () => {
      const log = getLog();
      await fc.assert(
        fc.asyncProperty(
          fc.array(appenderPlan, { minLength: 1, maxLength: 8 }),
          fc.scheduler(),
          async (plans, scheduler) => {
            const streams = Array.from({ length: STREAMS_PER_RUN }, () => newConversationStream());
            const run = async (plan: AppenderPlan, index: number) => {
              const stream = streams[plan.stream] as StreamKey;
              const message = newMessageId();
              const calls: Promise<readonly StoredEvent[]>[] = [];
              const append = async (from: number, count: number) =>
                (await log.append(stream, deltaDrafts(stream, message, from, count))).map(
                  (entry) => JSON.parse(entry.json) as StoredEvent,
                );
              let seq = 1;
              // The scheduler decides which appender calls next, so runs cover many orders.
              await scheduler.schedule(Promise.resolve(), `appender ${index} starts`);
              for (const size of plan.batches) {
                const call = append(seq, size);
                seq += size;
                calls.push(call);
                if (plan.awaitEach) {
                  await call;
                  await scheduler.schedule(Promise.resolve(), `appender ${index} continues`);
                }
              }
              const results = (await Promise.all(calls)).flat();
              const retried = plan.retry ? await append(1, seq - 1) : results;
              return { plan, message, count: seq - 1, results, retried };
            };
            const outcomes = await scheduler.waitFor(Promise.all(plans.map(run)));

            for (const [index, stream] of streams.entries()) {
              const events = await readStream(log, stream);
              const expected = outcomes
                .filter((outcome) => outcome.plan.stream === index)
                .reduce((sum, outcome) => sum + outcome.count, 0);
              expect(events.map((event) => event.offset)).toEqual(Array.from({ length: expected }, (_, at) => at + 1));
              expect(await log.head(stream)).toBe(expected);
              for (const outcome of outcomes.filter((candidate) => candidate.plan.stream === index)) {
                const own = events.filter((event) => event.messageId === outcome.message);
                expect(own.map((event) => event.seq)).toEqual(Array.from({ length: outcome.count }, (_, at) => at + 1));
                expect(outcome.results).toEqual(own);
                expect(outcome.retried).toEqual(own);
              }
            }
          },
        ),
        { numRuns: 100 },
      );
    });
  });

  describe('commit notifications', () => {
    it('wakes a tailing reader that then sees every event once, in order, never going back', async () => {
      const log = getLog();
      const streams = [newConversationStream(), newConversationStream(), newConversationStream()];
      const tails = streams.map((stream) => {
        const tail = { seen: [] as number[], last: 0, reading: Promise.resolve() };
        const catchUp = async () => {
          for (;;) {
            const page = await log.read(stream, tail.last as Offset, 7);
            if (page.length === 0) return;
            for (const event of page) {
              expect(event.offset).toBe(tail.last + 1);
              tail.last = event.offset;
              tail.seen.push(event.offset);
            }
          }
        };
        const unsubscribe = log.onCommit((notice) => {
          if (sameStream(notice.stream, stream)) tail.reading = tail.reading.then(catchUp);
        });
        return { tail, unsubscribe };
      });

      const appenders = Array.from({ length: 12 }, async (_, index) => {
        const stream = streams[index % streams.length] as StreamKey;
        const message = newMessageId();
        for (let call = 0; call < 15; call += 1) {
          await log.append(stream, deltaDrafts(stream, message, call * 2 + 1, 2));
        }
      });
      await Promise.all(appenders);

      for (const [index, { tail, unsubscribe }] of tails.entries()) {
        await tail.reading;
        unsubscribe();
        const head = await log.head(streams[index] as StreamKey);
        expect(head).toBe(4 * 15 * 2);
        expect(tail.seen).toEqual(Array.from({ length: head }, (_, at) => at + 1));
      }
    });

    it('notifies only once the new events are readable, with heads that only grow', async () => {
      const log = getLog();
      const stream = newConversationStream();
      const checks: Promise<void>[] = [];
      const heads: number[] = [];
      const unsubscribe = log.onCommit((notice) => {
        if (!sameStream(notice.stream, stream)) return;
        heads.push(notice.head);
        checks.push(
          log.read(stream, (notice.head - 1) as Offset, 1).then((events) => {
            expect(events.map((event) => event.offset)).toEqual([notice.head]);
          }),
        );
      });
      const message = newMessageId();
      await Promise.all(
        Array.from({ length: 20 }, (_, index) => log.append(stream, deltaDrafts(stream, message, index * 3 + 1, 3))),
      );
      await log.append(stream, deltaDrafts(stream, message, 61, 1));
      await Promise.all(checks);
      unsubscribe();
      expect(heads.length).toBeGreaterThan(0);
      expect(heads).toEqual([...heads].sort((a, b) => a - b));
      expect(heads.at(-1)).toBe(61);
    });

    it('stops calling a listener once it unsubscribed', async () => {
      const log = getLog();
      const stream = newConversationStream();
      const notices: CommitNotice[] = [];
      const unsubscribe = log.onCommit((notice) => notices.push(notice));
      const message = newMessageId();
      await log.append(stream, deltaDrafts(stream, message, 1, 1));
      unsubscribe();
      await log.append(stream, deltaDrafts(stream, message, 2, 1));
      expect(notices.filter((notice) => sameStream(notice.stream, stream)).map((notice) => notice.head)).toEqual([1]);
    });
  });
}

function sameStream(first: StreamKey, second: StreamKey): boolean {
  if (first.stream === 'conversation' && second.stream === 'conversation') {
    return first.conversationId === second.conversationId;
  }
  return first.stream === 'account' && second.stream === 'account' && first.accountId === second.accountId;
}
