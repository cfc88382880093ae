import fc from 'fast-check';
import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { conversationIdSchema, createIdGenerator, type IdGenerator, messageIdSchema, newId } from './ids.ts';

const COUNT = 10_000;
const RUNS = { numRuns: 200 };
/** The largest millisecond timestamp a UUIDv7 can hold (48 bits). */
const MAX_MSECS = 2 ** 48 - 1;

const timeArbitrary = fc.integer({ min: 0, max: MAX_MSECS - COUNT });
const bytesArbitrary = fc.uint8Array({ minLength: 16, maxLength: 16 });

/** Makes `count` ids; checks each with the uuid package, which shares no code with the generator. */
function make(generator: IdGenerator, count = COUNT): string[] {
  return Array.from({ length: count }, generator);
}

/** The index of the first id that does not sort strictly after the one before it, or -1. */
function firstOutOfOrder(ids: readonly string[]): number {
  return ids.findIndex((id, index) => index > 0 && !((ids[index - 1] ?? '') < id));
}

function invalidIds(ids: readonly string[]): string[] {
  return ids.filter((id) => !(validate(id) && version(id) === 7));
}

/** The millisecond timestamp in an id's first 48 bits. */
function timestampOf(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** A source of random bytes that cycles through the given arrays. */
function cycling(sources: readonly Uint8Array[]): () => Uint8Array {
  let index = 0;
  return () => Uint8Array.from(sources[index++ % sources.length] ?? new Uint8Array(16));
}

// Property runs over 10,000 ids each: a second or two alone, far longer on a busy CI machine.
const HEAVY_TEST_MS = 60_000;

describe('createIdGenerator', () => {
  it(
    `makes ${COUNT} valid UUIDv7 ids in creation order with a frozen clock`,
    () => {
      fc.assert(
        fc.property(timeArbitrary, bytesArbitrary, (time, bytes) => {
          const ids = make(createIdGenerator({ now: () => time, random: () => Uint8Array.from(bytes) }));
          expect(firstOutOfOrder(ids)).toBe(-1);
          expect(invalidIds(ids)).toEqual([]);
          expect(ids.every((id) => timestampOf(id) === time)).toBe(true);
        }),
        RUNS,
      );
    },
    HEAVY_TEST_MS,
  );

  it(
    `makes ${COUNT} valid UUIDv7 ids in creation order while the clock steps backwards`,
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: COUNT * 1_000, max: MAX_MSECS }),
          fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 1, maxLength: 30 }),
          fc.array(bytesArbitrary, { minLength: 1, maxLength: 8 }),
          (start, steps, bytes) => {
            let time = start;
            let call = 0;
            const now = () => {
              time -= steps[call++ % steps.length] ?? 0;
              return time;
            };
            const ids = make(createIdGenerator({ now, random: cycling(bytes) }));
            expect(firstOutOfOrder(ids)).toBe(-1);
            expect(invalidIds(ids)).toEqual([]);
          },
        ),
        RUNS,
      );
    },
    HEAVY_TEST_MS,
  );

  it('keeps creation order for any clock: frozen, forwards, backwards, whole or fractional milliseconds', () => {
    const step = fc.oneof(
      fc.constant(0),
      fc.integer({ min: -10_000, max: 10_000 }),
      fc.double({ min: -3, max: 3, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1e9, max: MAX_MSECS - 1e9 }),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.array(bytesArbitrary, { minLength: 1, maxLength: 8 }),
        (start, steps, bytes) => {
          let time = start;
          let call = 0;
          const now = () => {
            time += steps[call++ % steps.length] ?? 0;
            return time;
          };
          const ids = make(createIdGenerator({ now, random: cycling(bytes) }), 2_000);
          expect(firstOutOfOrder(ids)).toBe(-1);
          expect(invalidIds(ids)).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('stamps each id with the clock’s millisecond while the clock moves forwards', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_MSECS - 1e9 }),
        fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 20 }),
        bytesArbitrary,
        (start, steps, bytes) => {
          const times: number[] = [];
          let time = start;
          const now = () => {
            time += steps[times.length % steps.length] ?? 1;
            times.push(time);
            return time;
          };
          const ids = make(createIdGenerator({ now, random: () => Uint8Array.from(bytes) }), 100);
          expect(ids.map(timestampOf)).toEqual(times.map(Math.floor));
        },
      ),
      RUNS,
    );
  });

  it('keeps order when the counter drawn from the random bytes starts at its largest value', () => {
    const bytes = new Uint8Array(16).fill(0xff);
    const ids = make(createIdGenerator({ now: () => 1_800_000_000_000, random: () => Uint8Array.from(bytes) }));
    expect(firstOutOfOrder(ids)).toBe(-1);
    expect(invalidIds(ids)).toEqual([]);
  });

  it('uses the system clock and Web Crypto by default', () => {
    const before = Date.now();
    const ids = make(createIdGenerator(), 1_000);
    const after = Date.now();
    expect(firstOutOfOrder(ids)).toBe(-1);
    expect(invalidIds(ids)).toEqual([]);
    for (const id of [ids[0] ?? '', ids.at(-1) ?? '']) {
      expect(timestampOf(id)).toBeGreaterThanOrEqual(before);
      expect(timestampOf(id)).toBeLessThanOrEqual(after + 1);
    }
  });
});

describe('newId', () => {
  it('makes distinct UUIDv7 ids in creation order that the id schemas accept', () => {
    const ids = make(newId, 1_000);
    expect(firstOutOfOrder(ids)).toBe(-1);
    expect(invalidIds(ids)).toEqual([]);
    expect(messageIdSchema.parse(ids[0])).toBe(ids[0]);
    expect(conversationIdSchema.parse(ids[1])).toBe(ids[1]);
  });
});

describe('the default random source', () => {
  it('gives each id fresh random bits, across the refills of its pool', () => {
    // Each id in a millisecond of its own, so its counter and tail come from its random
    // bytes alone; two generators, each drawing across several pools: no tail repeats.
    const tails = [0, 1].flatMap(() => {
      let time = 1_700_000_000_000;
      return make(createIdGenerator({ now: () => time++ }), 2_000).map((id) => id.slice(14));
    });
    expect(new Set(tails).size).toBe(tails.length);
  });
});
