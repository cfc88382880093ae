import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeParseEvent } from './event.ts';
import { blockDeltaDataSchema, blockDeltaEventSchema } from './message-events.ts';
import { readBlockDelta } from './read-block-delta.ts';

const valid = {
  offset: 42,
  stream: 'conversation',
  conversationId: '019a5b1e-2f00-7c3a-9b1d-4e5f60718293',
  type: 'block_delta',
  messageId: '019a5b1e-2f10-7d44-8a2b-3c4d5e6f7081',
  blockIndex: 1,
  seq: 7,
  ts: '2026-11-23T21:00:00.123Z',
  data: { text: 'Hel' },
};

/** For each field, values the schema takes and values it refuses, near the edges. */
const variants: Record<string, readonly unknown[]> = {
  offset: [1, 42, Number.MAX_SAFE_INTEGER, 0, -1, 2.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, '42', undefined],
  stream: ['conversation', 'account', 'Conversation', undefined],
  conversationId: [
    valid.conversationId,
    '019A5B1E-2F00-7C3A-9B1D-4E5F60718293',
    '019a5b1e-2f00-4c3a-9b1d-4e5f60718293',
    '019a5b1e-2f00-7c3a-cb1d-4e5f60718293',
    `${valid.conversationId}\n`,
    '',
    7,
    undefined,
  ],
  messageId: [valid.messageId, '019a5b1e-2f10-6d44-8a2b-3c4d5e6f7081', 'x', null, undefined],
  blockIndex: [0, 1, 100_000, 100_001, -1, 1.5, '1', undefined],
  seq: [1, 7, Number.MAX_SAFE_INTEGER, 0, -3, 7.25, undefined],
  ts: [
    valid.ts,
    '2026-11-23T21:00:00Z',
    '2026-11-23T21:00:00.123456Z',
    '2024-02-29T00:00:00.000Z',
    '2026-02-29T00:00:00.000Z',
    '2026-11-31T00:00:00.000Z',
    '2026-11-23T24:00:00.000Z',
    '2026-11-23T21:00:00.000+01:00',
    '+010000-01-01T00:00:00.000Z',
    '2026-11-23 21:00:00.000Z',
    'now',
    1_700_000_000_000,
    undefined,
  ],
  type: ['block_delta', 'block_open'],
  previousOffset: [undefined, 40, -1],
  data: [
    { text: 'Hel' },
    { text: '' },
    { partialJson: '{"a":' },
    { patch: { title: 'x' } },
    { text: 1 },
    { text: 'a', partialJson: 'b' },
    { text: 'a', extra: true },
    { other: 'a' },
    {},
    [],
    ['a'],
    null,
    'text',
    undefined,
  ],
};

/** A field left as in `valid`. */
const KEEP = 'keep as valid';
const mutation = fc.record(
  Object.fromEntries(
    Object.entries(variants).map(([field, values]) => [
      field,
      fc.oneof({ weight: 4, arbitrary: fc.constant(KEEP) }, { weight: 1, arbitrary: fc.constantFrom(...values) }),
    ]),
  ),
);
const extraKey = fc.option(fc.constantFrom<[string, unknown]>(['extra', 1], ['unknownType', true], ['note', 'x']));

/** `valid` with the fields the mutation chose replaced (a field chosen as undefined is left out). */
function build(chosen: Record<string, unknown>, extra: [string, unknown] | null): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of Object.keys(variants)) {
    const value = chosen[field] === KEEP ? (valid as Record<string, unknown>)[field] : chosen[field];
    if (value !== undefined) input[field] = value;
  }
  if (extra !== null) input[extra[0]] = extra[1];
  return input;
}

describe('readBlockDelta', () => {
  it('accepts only what the schema accepts, and returns what the schema returns, fields in the same order', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutation, extraKey, (chosen, extra) => {
        const input = build(chosen, extra);
        const fast = readBlockDelta(JSON.parse(JSON.stringify(input)));
        if (fast === undefined) return;
        accepted += 1;
        const schema = safeParseEvent(input);
        expect(schema.success).toBe(true);
        if (!schema.success) return;
        expect(fast).toStrictEqual(schema.event);
        expect(Object.keys(fast)).toEqual(Object.keys(schema.event));
        expect(fast.data).not.toBe((input as { data: unknown }).data);
      }),
      { numRuns: 2_000 },
    );
    // The property says something only if it met inputs the fast path took.
    expect(accepted).toBeGreaterThan(100);
  });

  it('knows every field of the block_delta schema, so a field added there cannot be dropped here', () => {
    expect(Object.keys(blockDeltaEventSchema.shape).sort()).toEqual([
      'blockIndex',
      'conversationId',
      'data',
      'messageId',
      'offset',
      'previousOffset',
      'seq',
      'stream',
      'ts',
      'type',
    ]);
    expect(blockDeltaDataSchema.options.map((option) => Object.keys(option.shape))).toEqual([
      ['text'],
      ['partialJson'],
      ['patch'],
    ]);
  });

  it('takes the common text and partialJson deltas itself, and leaves the rest to the schema', () => {
    expect(readBlockDelta(valid)).toStrictEqual(valid);
    expect(readBlockDelta({ ...valid, data: { partialJson: '{"a":' } })).toStrictEqual({
      ...valid,
      data: { partialJson: '{"a":' },
    });
    expect(readBlockDelta({ ...valid, data: { patch: { title: 'x' } } })).toBeUndefined();
    expect(readBlockDelta({ ...valid, previousOffset: 40 })).toBeUndefined();
    expect(readBlockDelta({ ...valid, offset: 0 })).toBeUndefined();
  });
});
