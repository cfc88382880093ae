import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

describe('GroupCommit after a failed commit', () => {
  it('rejects the jobs queued behind the failed batch, so that no writer stores events past a hole', async () => {
    const committed: string[][] = [];
    const full = new Error('disk full');
    let fail = true;
    const group = new GroupCommit<string, string>(
      (jobs) => {
        if (fail) {
          fail = false;
          throw full;
        }
        committed.push([...jobs]);
        return jobs;
      },
      { maxBatchSize: 1 },
    );
    // Pipelined, as a streaming message writes: each job its own batch, none awaited.
    const results = await Promise.allSettled(['delta 1', 'delta 2', 'delta 3'].map((job) => group.submit(job, 1)));
    expect(results.map((result) => result.status)).toStrictEqual(['rejected', 'rejected', 'rejected']);
    expect(results.map((result) => (result.status === 'rejected' ? result.reason : undefined))).toStrictEqual([
      full,
      full,
      full,
    ]);
    expect(committed).toStrictEqual([]);
    // What is sent once the failure is known commits as usual.
    await expect(group.submit('delta 1 again', 1)).resolves.toBe('delta 1 again');
    expect(committed).toStrictEqual([['delta 1 again']]);
  });

  it('commits the batches before the failed one and fails only from it on', async () => {
    let calls = 0;
    const group = new GroupCommit<string, string>(
      (jobs) => {
        calls += 1;
        if (calls === 2) throw new Error('disk full');
        return jobs;
      },
      { maxBatchSize: 1 },
    );
    const results = await Promise.allSettled(['a', 'b', 'c'].map((job) => group.submit(job, 1)));
    expect(results.map((result) => result.status)).toStrictEqual(['fulfilled', 'rejected', 'rejected']);
    expect(calls).toBe(2);
  });

  it('lets a caller that retries at once, in a loop of microtasks, store its job after one more refusal', async () => {
    let fail = true;
    const group = new GroupCommit<string, string>((jobs) => {
      if (fail) {
        fail = false;
        throw new Error('disk full');
      }
      return jobs;
    });
    let refusals = 0;
    // Never yields to the event loop: a refusal that lasted until it turned would loop forever.
    for (;;) {
      try {
        await group.submit('event', 1);
        break;
      } catch {
        refusals += 1;
        if (refusals > 10) throw new Error('Refused more than ten times in a row.');
      }
    }
    expect(refusals).toBeLessThanOrEqual(2);
  });
});

describe('GroupCommit with a job the commit refused', () => {
  it('rejects that job alone, resolves the others of its batch, and goes on committing', async () => {
    const refused = new Error('sent twice');
    const group = new GroupCommit<string, string>(
      (jobs) => jobs.map((job) => (job === 'second send' ? refused : `stored ${job}`)),
      {},
    );
    const results = await Promise.allSettled(
      ['first send', 'second send', 'a delta'].map((job) => group.submit(job, 1)),
    );
    expect(results).toStrictEqual([
      { status: 'fulfilled', value: 'stored first send' },
      { status: 'rejected', reason: refused },
      { status: 'fulfilled', value: 'stored a delta' },
    ]);
    await expect(group.submit('next', 1)).resolves.toBe('stored next');
  });
});
