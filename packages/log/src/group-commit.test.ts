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
    // What is sent once the event loop turned, the failure known, commits as usual.
    await new Promise((resolve) => setImmediate(resolve));
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
});
