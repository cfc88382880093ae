/**
 * The compact wire form of a conversation stream (`?format=compact`, decision 019).
 *
 * Most of a streamed answer is `block_delta` events that follow another event of the same
 * block: the envelope then repeats everything the reader already knows. In the compact
 * form such a delta travels as a short frame that names only what changed, and the reader
 * expands it back to the exact envelope from the event just before it:
 *
 *   [value]        data `{ <key>: value }`, ts equal to the previous event's
 *   [value, ms]    the same, ts the previous event's plus `ms` milliseconds
 *
 * The rest comes from the event at `offset − 1`: `offset` and `seq` are one more,
 * `stream`, `conversationId`, `messageId` and `blockIndex` are the same, `type` is
 * `block_delta`, and `<key>` is the previous delta's key (or, after `block_open`, the one
 * the block's type streams). A writer uses a short frame only for an event whose previous
 * event it sent on the same connection, so the form decodes from any cursor: the first
 * event of every connection is a full envelope. Every other event stays a full envelope.
 */

/** An envelope as JSON carries it, before validation. */
export type RawEnvelope = Readonly<Record<string, unknown>>;

const ENVELOPE_KEYS = new Set([
  'offset',
  'stream',
  'conversationId',
  'type',
  'messageId',
  'blockIndex',
  'seq',
  'ts',
  'data',
]);

/** The data key a block's deltas stream, by block type. */
const DELTA_KEY_OF_BLOCK: Readonly<Record<string, string>> = {
  text: 'text',
  thinking: 'text',
  tool_result: 'text',
  tool_use: 'partialJson',
  surface: 'patch',
};

/**
 * The key a `block_delta` following `previous` in the same block would carry, or
 * undefined when no delta can follow it in short form.
 */
function deltaKeyAfter(previous: RawEnvelope): string | undefined {
  const data = previous.data;
  if (typeof data !== 'object' || data === null) return undefined;
  if (previous.type === 'block_delta') {
    const keys = Object.keys(data);
    return keys.length === 1 ? keys[0] : undefined;
  }
  if (previous.type === 'block_open') {
    const blockType = (data as Record<string, unknown>).blockType;
    return typeof blockType === 'string' ? DELTA_KEY_OF_BLOCK[blockType] : undefined;
  }
  return undefined;
}

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/**
 * The short frame's data (JSON text) for `event`, which follows `previous` (the event at
 * `event.offset − 1` of the same stream); undefined when `event` must travel as a full
 * envelope. Whatever it returns, {@link expandCompactDelta} turns back into `event`
 * exactly (it checks the round trip of `ts`, the one field rebuilt by arithmetic).
 */
export function compactDelta(previous: RawEnvelope, event: RawEnvelope): string | undefined {
  if (event.type !== 'block_delta') return undefined;
  if (!isWhole(event.offset) || !isWhole(previous.offset) || event.offset !== previous.offset + 1) return undefined;
  if (!isWhole(event.seq) || !isWhole(previous.seq) || event.seq !== previous.seq + 1) return undefined;
  if (
    event.stream !== previous.stream ||
    event.conversationId !== previous.conversationId ||
    event.messageId !== previous.messageId ||
    event.blockIndex !== previous.blockIndex ||
    typeof event.messageId !== 'string' ||
    !isWhole(event.blockIndex)
  ) {
    return undefined;
  }
  for (const key of Object.keys(event)) if (!ENVELOPE_KEYS.has(key)) return undefined;
  if (Object.keys(event).length !== ENVELOPE_KEYS.size) return undefined;
  const key = deltaKeyAfter(previous);
  const data = event.data;
  if (key === undefined || typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const dataKeys = Object.keys(data);
  if (dataKeys.length !== 1 || dataKeys[0] !== key) return undefined;
  const value = (data as Record<string, unknown>)[key];
  if (value === undefined) return undefined;
  const milliseconds = millisecondsBetween(previous.ts, event.ts);
  if (milliseconds === undefined) return undefined;
  return milliseconds === 0 ? `[${JSON.stringify(value)}]` : `[${JSON.stringify(value)},${milliseconds}]`;
}

/** `ts − previousTs` in whole milliseconds, when adding it back to `previousTs` gives `ts` exactly. */
function millisecondsBetween(previousTs: unknown, ts: unknown): number | undefined {
  if (typeof previousTs !== 'string' || typeof ts !== 'string') return undefined;
  if (previousTs === ts) return 0;
  const from = Date.parse(previousTs);
  const to = Date.parse(ts);
  if (Number.isNaN(from) || Number.isNaN(to)) return undefined;
  const milliseconds = to - from;
  return addMilliseconds(previousTs, milliseconds) === ts ? milliseconds : undefined;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.` of the last time {@link addMilliseconds} computed in full: a
 * canonical second (`toISOString`'s own). Events a few milliseconds apart mostly share
 * it, on every stream at once, so their sum is written by changing the milliseconds'
 * digits instead of parsing and printing a date per event (decision 028).
 */
let knownSecond = '';

function addMilliseconds(ts: string, milliseconds: number): string | undefined {
  if (milliseconds === 0) return ts;
  const inSecond = knownSecond === '' ? -1 : millisecondsInKnownSecond(ts);
  const sum = inSecond + milliseconds;
  if (inSecond >= 0 && sum >= 0 && sum < 1000) return `${knownSecond}${String(sum).padStart(3, '0')}Z`;
  const time = Date.parse(ts) + milliseconds;
  if (Number.isNaN(time)) return undefined;
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return undefined;
  const result = date.toISOString();
  if (result.length === 24) knownSecond = result.slice(0, 20);
  return result;
}

/** The milliseconds of `ts` when it is `<knownSecond>mmmZ` (so canonical), else -1. */
function millisecondsInKnownSecond(ts: string): number {
  if (ts.length !== 24 || ts.charCodeAt(23) !== 0x5a || !ts.startsWith(knownSecond)) return -1;
  let value = 0;
  for (let index = 20; index < 23; index += 1) {
    const digit = ts.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** True when a frame's data is a short frame rather than a full envelope. */
export function isCompactDelta(text: string): boolean {
  return text.charCodeAt(0) === 0x5b; // '['
}

/**
 * The full envelope of a short frame whose data is `value` (as parsed from its JSON), given
 * the event before it on the same connection (already expanded).
 * @throws Error when the frame cannot follow `previous` (a server bug or a corrupted stream).
 */
export function expandCompactDelta(previous: RawEnvelope | undefined, value: unknown): RawEnvelope {
  if (previous === undefined) throw new Error('a compact delta came before any full event on this connection');
  if (!Array.isArray(value) || value.length < 1 || value.length > 2) {
    throw new Error('a compact delta is an array of one or two items');
  }
  const key = deltaKeyAfter(previous);
  if (key === undefined) throw new Error(`a compact delta cannot follow a ${String(previous.type)} event`);
  const milliseconds = value.length === 2 ? value[1] : 0;
  if (!isWhole(milliseconds)) throw new Error("a compact delta's time step is not a whole number of milliseconds");
  if (!isWhole(previous.offset) || !isWhole(previous.seq) || typeof previous.ts !== 'string') {
    throw new Error('a compact delta follows an event without offset, seq or ts');
  }
  const ts = addMilliseconds(previous.ts, milliseconds);
  if (ts === undefined) throw new Error("a compact delta's time is out of range");
  return {
    offset: previous.offset + 1,
    stream: previous.stream,
    conversationId: previous.conversationId,
    type: 'block_delta',
    messageId: previous.messageId,
    blockIndex: previous.blockIndex,
    seq: previous.seq + 1,
    ts,
    data: { [key]: value[0] },
  };
}
