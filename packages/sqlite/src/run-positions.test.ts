import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePositions, encodePositions } from './run-positions.ts';

const increasing = fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 200 }).map((steps) => {
  const positions: number[] = [];
  for (const step of steps) positions.push((positions.at(-1) ?? 0) + step);
  return positions;
});

describe('run positions', () => {
  it('stores consecutive positions as one pair', () => {
    expect(encodePositions([7, 8, 9, 10])).toBe('[7,4]');
    expect(encodePositions([3, 5, 6, 9])).toBe('[3,1,5,2,9,1]');
  });

  it('gives back any window of the positions it stored', () => {
    fc.assert(
      fc.property(increasing, fc.nat(210), fc.integer({ min: 1, max: 210 }), (positions, skip, limit) => {
        expect(decodePositions(encodePositions(positions), skip, limit)).toEqual(positions.slice(skip, skip + limit));
      }),
    );
  });
});
