import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOnceError, type OnceError } from './errors.ts';
import { offsetSchema, parseCursor, START_OFFSET, toOffset } from './offset.ts';

function refusal(action: () => unknown): OnceError {
  try {
    action();
  } catch (error) {
    expect(isOnceError(error)).toBe(true);
    return error as OnceError;
  }
  throw new Error('expected a bad_cursor error');
}

describe('parseCursor', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])('accepts %j', (text, offset) => {
    expect(parseCursor(text)).toBe(offset);
  });

  it.each([
    '',
    '-1',
    '01',
    '00',
    '1.5',
    '1.0',
    ' 1',
    '1 ',
    '+1',
    '1e3',
    '0x10',
    'abc',
    'NaN',
    'Infinity',
    '１',
    String(Number.MAX_SAFE_INTEGER + 1),
    '99999999999999999999999',
  ])('refuses %j with bad_cursor, saying what a valid cursor is', (text) => {
    const error = refusal(() => parseCursor(text));
    expect(error.code).toBe('bad_cursor');
    expect(error.status).toBe(400);
    expect(error.message).toContain('decimal offset of the last event you have');
    expect(error.message).toContain('0 to start from the beginning');
  });

  it('quotes at most 40 characters of what it was sent', () => {
    const error = refusal(() => parseCursor('x'.repeat(10_000)));
    expect(error.message.length).toBeLessThan(300);
  });

  it('reads back every safe offset written in decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (offset) => {
        expect(parseCursor(String(offset))).toBe(offset);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts a string only when it is the canonical decimal of the offset it names', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789-+. e'), maxLength: 20 }), (text) => {
        const value = Number(text);
        const canonical = Number.isSafeInteger(value) && value >= 0 && String(value) === text;
        if (canonical) expect(parseCursor(text)).toBe(value);
        else expect(refusal(() => parseCursor(text)).code).toBe('bad_cursor');
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('toOffset and offsetSchema', () => {
  it('START_OFFSET is 0, the cursor that means "from the start"', () => {
    expect(START_OFFSET).toBe(0);
    expect(parseCursor('0')).toBe(START_OFFSET);
  });

  it.each([0, 1, Number.MAX_SAFE_INTEGER])('accepts %j', (value) => {
    expect(toOffset(value)).toBe(value);
    expect(offsetSchema.parse(value)).toBe(value);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])('refuses %j', (value) => {
    expect(refusal(() => toOffset(value)).code).toBe('bad_cursor');
    expect(offsetSchema.safeParse(value).success).toBe(false);
  });
});
