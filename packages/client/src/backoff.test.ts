import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1_000, factor: 2 };

  it('doubles per attempt up to the cap, half of it fixed and half jitter', () => {
    const lowest = [0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, options, () => 0));
    const highest = [0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, options, () => 0.999_999));
    expect(lowest).toEqual([50, 100, 200, 400, 500, 500]);
    expect(highest.map(Math.round)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('spreads clients that failed together', () => {
    const delays = [0.1, 0.5, 0.9].map((draw) => backoffDelay(3, options, () => draw));
    expect(new Set(delays).size).toBe(3);
  });
});
