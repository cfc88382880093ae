import { z } from 'zod';
import { OnceError } from './errors.ts';

/**
 * An event's position in its stream: 1, 2, 3, … with no gaps, assigned by the log when
 * the event commits. Offset 0 is the position before the first event.
 */
export const offsetSchema = z
  .number()
  .int('offset must be an integer')
  .nonnegative('offset must not be negative')
  .max(Number.MAX_SAFE_INTEGER)
  .brand<'Offset'>();
export type Offset = z.infer<typeof offsetSchema>;

/** Offset of an empty stream, and the cursor that means "from the start". */
export const START_OFFSET = 0 as Offset;

/** Brands a number as an offset after checking it is a non-negative safe integer. */
export function toOffset(value: number): Offset {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new OnceError('bad_cursor', `${value} is not an offset: offsets are whole numbers from 0.`);
  }
  return value as Offset;
}

/**
 * Parses a resume cursor as sent in `Last-Event-ID` or `?after=`: the decimal offset of
 * the last event the client has, with no sign, spaces or leading zeros.
 * @throws OnceError `bad_cursor` with a sentence saying what a valid cursor looks like.
 */
export function parseCursor(text: string): Offset {
  const value = /^(0|[1-9][0-9]*)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    const problem = Number.isNaN(value) ? 'is not an offset' : 'is too large to be an offset';
    throw new OnceError(
      'bad_cursor',
      `The cursor ${JSON.stringify(text.slice(0, 40))} ${problem}; send the decimal offset of the last event you have (0 to start from the beginning).`,
    );
  }
  return value as Offset;
}
