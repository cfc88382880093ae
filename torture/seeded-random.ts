import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** Random choices drawn from one seed, so a run (its fault schedule, its prompts) can be replayed. */
export interface SeededRandom {
  /** A whole number from `min` to `max`, both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A number in [0, 1), for APIs that take `Math.random`'s shape. */
  next(): number;
  /** An independent stream of choices, so one part's draws do not shift another's. */
  fork(): SeededRandom;
}

export function seededRandom(seed: number): SeededRandom {
  const generator = xoroshiro128plus(seed);
  const random: SeededRandom = {
    int: (min, max) => uniformInt(generator, min, max),
    chance: (p) => uniformFloat64(generator) < p,
    pick(items) {
      if (items.length === 0) throw new Error('pick() needs at least one item.');
      return items[uniformInt(generator, 0, items.length - 1)] as (typeof items)[number];
    },
    next: () => uniformFloat64(generator),
    fork: () => seededRandom(uniformInt(generator, 0, 2 ** 31 - 1)),
  };
  return random;
}
