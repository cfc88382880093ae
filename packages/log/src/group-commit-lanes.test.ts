import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

interface Job {
  readonly key: string;
  readonly n: number;
}

const keyOf = (job: Job) => job.key;

async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('GroupCommit with several batches in flight', () => {
  it('keeps each key’s committed jobs a prefix of what its writer sent, in order, whatever fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 3 }), pause: fc.integer({ min: 0, max: 2 }) }), {
          maxLength: 40,
        }),
        fc.array(fc.record({ fails: fc.boolean(), turns: fc.integer({ min: 0, max: 3 }) }), { maxLength: 30 }),
        async (lanes, maxBatchSize, minOverlapSize, submissions, commits) => {
          const committed = new Map<string, number[]>();
          const inFlight = new Set<string>();
          const overlapping: string[] = [];
          let batches = 0;
          let mostInFlight = 0;
          let running = 0;
          const group = new GroupCommit<Job, Job>(
            async (jobs) => {
              const plan = commits[batches % Math.max(1, commits.length)] ?? { fails: false, turns: 0 };
              batches += 1;
              running += 1;
              mostInFlight = Math.max(mostInFlight, running);
              const keys = new Set(jobs.map(keyOf));
              for (const key of keys) {
                if (inFlight.has(key)) overlapping.push(key);
                inFlight.add(key);
              }
              await turns(plan.turns);
              for (const key of keys) inFlight.delete(key);
              running -= 1;
              if (plan.fails) throw new Error('connection lost');
              for (const job of jobs) committed.set(job.key, [...(committed.get(job.key) ?? []), job.n]);
              return jobs;
            },
            { maxBatchSize },
            { lanes, keyOf, minOverlapSize },
          );
          const sent = new Map<string, number>();
          const failed = new Set<string>();
          const outcomes: Promise<void>[] = [];
          for (const { key: index, pause } of submissions) {
            await turns(pause);
            const key = `stream ${index}`;
            // A writer stops at its first refusal, as a message writer does.
            if (failed.has(key)) continue;
            const job = { key, n: (sent.get(key) ?? 0) + 1 };
            sent.set(key, job.n);
            outcomes.push(
              group.submit(job, 1).then(
                (result) => expect(result).toBe(job),
                () => {
                  failed.add(key);
                },
              ),
            );
          }
          await group.flush();
          await Promise.all(outcomes);
          expect(overlapping).toStrictEqual([]);
          expect(mostInFlight).toBeLessThanOrEqual(lanes);
          for (const [key, numbers] of committed) {
            expect(numbers, key).toStrictEqual(numbers.map((_, index) => index + 1));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('commits batches of different keys at the same time', async () => {
    let running = 0;
    let mostInFlight = 0;
    const group = new GroupCommit<Job, Job>(
      async (jobs) => {
        running += 1;
        mostInFlight = Math.max(mostInFlight, running);
        await turns(2);
        running -= 1;
        return jobs;
      },
      {},
      { lanes: 2, keyOf },
    );
    await Promise.all(['a', 'b', 'c', 'd'].map((key) => group.submit({ key, n: 1 }, 1)));
    expect(mostInFlight).toBe(2);
  });

  it('never commits two batches of the same key at once', async () => {
    let running = 0;
    let mostInFlight = 0;
    const order: number[] = [];
    const group = new GroupCommit<Job, Job>(
      async (jobs) => {
        running += 1;
        mostInFlight = Math.max(mostInFlight, running);
        await turns(2);
        running -= 1;
        order.push(...jobs.map((job) => job.n));
        return jobs;
      },
      { maxBatchSize: 1 },
      { lanes: 3, keyOf },
    );
    await Promise.all([1, 2, 3, 4].map((n) => group.submit({ key: 'a', n }, 1)));
    expect(mostInFlight).toBe(1);
    expect(order).toStrictEqual([1, 2, 3, 4]);
  });
});

describe('GroupCommit with a smallest batch beside one in flight', () => {
  it('starts a second batch only once minOverlapSize items wait, and never splits below it', async () => {
    const batches: string[][] = [];
    const ends: (() => void)[] = [];
    const group = new GroupCommit<Job, Job>(
      async (jobs) => {
        batches.push(jobs.map(keyOf));
        await new Promise<void>((resolve) => ends.push(resolve));
        return jobs;
      },
      {},
      { lanes: 2, keyOf, minOverlapSize: 3 },
    );
    const submitted: Promise<Job>[] = [];
    const submit = (key: string) => submitted.push(group.submit({ key, n: 1 }, 1));
    // Five queued: not two shares of 3, so one batch of all five.
    for (const key of ['a', 'b', 'c', 'd', 'e']) submit(key);
    await turns(2);
    expect(batches).toStrictEqual([['a', 'b', 'c', 'd', 'e']]);
    // Two wait beside it: fewer than 3, so they wait for the lane.
    submit('f');
    submit('g');
    await turns(2);
    expect(batches).toHaveLength(1);
    // The third starts the second batch, beside the first.
    submit('h');
    await turns(2);
    expect(batches).toStrictEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['f', 'g', 'h'],
    ]);
    // Once both end, six queued split into two batches of 3 at once.
    for (const key of ['i', 'j', 'k', 'l', 'm', 'n']) submit(key);
    for (const end of ends.splice(0)) end();
    await turns(2);
    expect(batches.slice(2)).toStrictEqual([
      ['i', 'j', 'k'],
      ['l', 'm', 'n'],
    ]);
    for (const end of ends.splice(0)) end();
    await Promise.all(submitted);
  });

  it('commits a lone small batch at once when nothing is in flight', async () => {
    const group = new GroupCommit<Job, Job>(async (jobs) => jobs, {}, { lanes: 2, keyOf, minOverlapSize: 100 });
    await expect(group.submit({ key: 'a', n: 1 }, 1)).resolves.toStrictEqual({ key: 'a', n: 1 });
  });
});
