import { describe, expect, it } from 'vitest';
import { createKeyedLock } from './keyed-lock.ts';

const later = () => new Promise((resolve) => setImmediate(resolve));

describe('keyed lock', () => {
  it('runs the tasks of one key one at a time, in call order, even when earlier ones fail', async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await later();
        log.push(`end ${name}`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      };
    const results = await Promise.allSettled([
      lock.run('k', task('first')),
      lock.run('k', task('second', true)),
      lock.run('k', task('third')),
    ]);
    expect(log).toEqual(['start first', 'end first', 'start second', 'end second', 'start third', 'end third']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 'third' });
  });

  it('runs tasks of different keys side by side', async () => {
    const lock = createKeyedLock();
    let releaseA: () => void = () => undefined;
    const a = lock.run('a', () => new Promise<string>((resolve) => (releaseA = () => resolve('a'))));
    const b = await lock.run('b', async () => 'b');
    expect(b).toBe('b');
    releaseA();
    expect(await a).toBe('a');
  });
});
