import { z } from 'zod';
import type { BlockDeltaEvent } from './message-events.ts';

const UUID_V7 = z.core.regexes.uuid(7);
const DATETIME = z.core.regexes.datetime({});

/**
 * A `block_delta` of the shape nearly every one has — a text or partialJson delta without
 * `previousOffset` — checked by hand, without the schema's full pass; undefined for
 * anything else, valid or not, which the caller then parses with the schema (so what is
 * refused, and the error that says why, stay the schema's).
 *
 * A live stream is mostly such deltas, and the schema's generic pass was the largest
 * part of a client's cost per event after the network (decision 028). Whatever this
 * accepts, the schema accepts too and returns equal (same fields, in the same order):
 * a property test holds it to that.
 */
export function readBlockDelta(input: unknown): BlockDeltaEvent | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const { offset, stream, conversationId, previousOffset, ts, messageId, blockIndex, seq, type, data } =
    input as Record<string, unknown>;
  if (
    type !== 'block_delta' ||
    stream !== 'conversation' ||
    previousOffset !== undefined ||
    !isWholeFrom(offset, 1) ||
    !isWholeFrom(seq, 1) ||
    !isWholeFrom(blockIndex, 0) ||
    (blockIndex as number) > 100_000 ||
    typeof conversationId !== 'string' ||
    typeof messageId !== 'string' ||
    typeof ts !== 'string' ||
    !UUID_V7.test(conversationId) ||
    !UUID_V7.test(messageId) ||
    !DATETIME.test(ts)
  ) {
    return undefined;
  }
  const delta = readDeltaData(data);
  if (delta === undefined) return undefined;
  return {
    offset,
    stream,
    conversationId,
    ts,
    messageId,
    blockIndex,
    seq,
    type,
    data: delta,
  } as BlockDeltaEvent;
}

function isWholeFrom(value: unknown, least: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= least;
}

/** `{ text }` or `{ partialJson }` with a string, and no other key; a copy, as the schema returns. */
function readDeltaData(data: unknown): BlockDeltaEvent['data'] | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  let only: string | undefined;
  for (const key in data) {
    if (only !== undefined || !Object.hasOwn(data, key)) return undefined;
    only = key;
  }
  const value = (data as Record<string, unknown>)[only as string];
  if (typeof value !== 'string') return undefined;
  if (only === 'text') return { text: value };
  if (only === 'partialJson') return { partialJson: value };
  return undefined;
}
