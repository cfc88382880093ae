import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactDelta, expandCompactDelta, isCompactDelta, type RawEnvelope } from './compact-frame.ts';

const conversationId = '019a5b1e-2f00-7c3a-9b1d-4e5f60718293';
const messageIds = ['019a5b1e-2f10-7d44-8a2b-3c4d5e6f7081', '019a5b1e-2f10-7d44-8a2b-3c4d5e6f7082'];
const start = Date.parse('2026-11-23T21:00:00.000Z');

/** One step of a made-up conversation stream, before offsets, seqs and times are assigned. */
type Step =
  | { kind: 'open'; message: number; blockIndex: number; blockType: string }
  | { kind: 'delta'; message: number; blockIndex: number; value: unknown; key?: string }
  | { kind: 'other'; type: string };

const blockTypes = ['text', 'thinking', 'tool_use', 'tool_result', 'surface'];
const deltaValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('open' as const),
      message: fc.integer({ min: 0, max: 1 }),
      blockIndex: fc.integer({ min: 0, max: 2 }),
      blockType: fc.constantFrom(...blockTypes),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        kind: fc.constant('delta' as const),
        message: fc.integer({ min: 0, max: 1 }),
        blockIndex: fc.integer({ min: 0, max: 2 }),
        value: deltaValue,
        key: fc.constantFrom('text', 'partialJson', 'patch'),
      },
      { requiredKeys: ['kind', 'message', 'blockIndex', 'value'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('other' as const), type: fc.constantFrom('activity', 'x') }) },
);
// Times as the daemon writes them, and a few it never writes (no milliseconds, an offset
// zone) which must still come back exactly.
const timeStep = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 5000 }).map((ms) => ({ ms, style: 'iso' as const })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5000 }).map((ms) => ({ ms, style: 'seconds' as const })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5000 }).map((ms) => ({ ms, style: 'zone' as const })) },
);

/** Envelopes of `steps`: offsets from 1, seq per (message, block), the default delta key of each block's type. */
function toEvents(steps: readonly { step: Step; time: { ms: number; style: string } }[]): RawEnvelope[] {
  const seqs = new Map<string, number>();
  const keys = new Map<string, string>();
  let now = start;
  return steps.map(({ step, time }, index) => {
    now += time.ms;
    const iso = new Date(now).toISOString();
    const ts =
      time.style === 'seconds'
        ? iso.replace(/\.\d{3}Z$/, 'Z')
        : time.style === 'zone'
          ? iso.replace('Z', '+00:00')
          : iso;
    const base = { offset: index + 1, stream: 'conversation', conversationId, ts };
    if (step.kind === 'other') return { ...base, type: step.type, data: { phase: 'streaming' } };
    const messageId = messageIds[step.message] as string;
    const block = `${messageId}/${step.blockIndex}`;
    const seq = (seqs.get(block) ?? 0) + 1;
    seqs.set(block, seq);
    if (step.kind === 'open') {
      keys.set(block, step.blockType === 'tool_use' ? 'partialJson' : step.blockType === 'surface' ? 'patch' : 'text');
      return {
        ...base,
        type: 'block_open',
        messageId,
        blockIndex: step.blockIndex,
        seq,
        data: { blockType: step.blockType },
      };
    }
    const key = step.key ?? keys.get(block) ?? 'text';
    return { ...base, type: 'block_delta', messageId, blockIndex: step.blockIndex, seq, data: { [key]: step.value } };
  });
}

/** What a compact connection from `cursor` sends: the first event in full, then short frames where they apply. */
function writeFrom(events: readonly RawEnvelope[], cursor: number): string[] {
  return events.slice(cursor).map((event, index) => {
    const previous = index === 0 ? undefined : events[cursor + index - 1];
    return (previous === undefined ? undefined : compactDelta(previous, event)) ?? JSON.stringify(event);
  });
}

/** What the reader rebuilds from those frames. */
function readAll(frames: readonly string[]): RawEnvelope[] {
  let previous: RawEnvelope | undefined;
  return frames.map((text) => {
    const event = isCompactDelta(text)
      ? expandCompactDelta(previous, JSON.parse(text))
      : (JSON.parse(text) as RawEnvelope);
    previous = event;
    return event;
  });
}

describe('compact frames', () => {
  it('expand back to exactly the events they stand for, from any cursor', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ step, time: timeStep }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        (steps, cursorSeed) => {
          // As the log stores them: JSON has no -0 (fc.jsonValue makes one), so it reads back as 0.
          const events = JSON.parse(JSON.stringify(toEvents(steps))) as ReturnType<typeof toEvents>;
          const cursor = cursorSeed % events.length;
          expect(readAll(writeFrom(events, cursor))).toEqual(events.slice(cursor));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('carry a streamed text delta in a few bytes: its text and the milliseconds since the one before', () => {
    const [open, first, second, same] = toEvents([
      { step: { kind: 'open', message: 0, blockIndex: 0, blockType: 'text' }, time: { ms: 0, style: 'iso' } },
      { step: { kind: 'delta', message: 0, blockIndex: 0, value: 'Hel' }, time: { ms: 20, style: 'iso' } },
      { step: { kind: 'delta', message: 0, blockIndex: 0, value: 'lo' }, time: { ms: 21, style: 'iso' } },
      { step: { kind: 'delta', message: 0, blockIndex: 0, value: '!' }, time: { ms: 0, style: 'iso' } },
    ]) as [RawEnvelope, RawEnvelope, RawEnvelope, RawEnvelope];
    expect(compactDelta(open, first)).toBe('["Hel",20]');
    expect(compactDelta(first, second)).toBe('["lo",21]');
    expect(compactDelta(second, same)).toBe('["!"]');
  });

  it('leave in full a delta of another block, one with a gap in seq, and every other event', () => {
    const [open, other, delta] = toEvents([
      { step: { kind: 'open', message: 0, blockIndex: 0, blockType: 'text' }, time: { ms: 0, style: 'iso' } },
      { step: { kind: 'delta', message: 0, blockIndex: 1, value: 'a' }, time: { ms: 1, style: 'iso' } },
      { step: { kind: 'delta', message: 0, blockIndex: 0, value: 'b' }, time: { ms: 1, style: 'iso' } },
    ]) as [RawEnvelope, RawEnvelope, RawEnvelope];
    expect(compactDelta(open, other)).toBeUndefined();
    expect(compactDelta(other, delta)).toBeUndefined();
    expect(compactDelta({ ...open, seq: 5 }, { ...delta, offset: 2 })).toBeUndefined();
    expect(compactDelta(delta, { ...delta, offset: 4, type: 'block_close', seq: 2 })).toBeUndefined();
  });

  it("give each delta the time of the one before plus its step, exactly as the date's own arithmetic does", () => {
    // Any earlier time, canonical or not, and steps that stay within its second or cross it.
    const previousTs = fc.oneof(
      fc
        .date({ min: new Date(0), max: new Date('9999-12-31T23:59:59.000Z'), noInvalidDate: true })
        .map((date) => date.toISOString()),
      fc.constantFrom(
        '2026-11-23T21:00:00Z',
        '2026-11-23T21:00:00.5Z',
        '2026-11-23T21:00:00.123456Z',
        '2026-11-23T21:00:00.123+01:00',
        '2026-13-23T21:00:00.123Z',
        '2026-11-23T21:00:60.123Z',
        '2026-11-23T21:00:00.1a3Z',
        '9999-12-31T23:59:59.999Z',
      ),
    );
    const step = fc.oneof(fc.integer({ min: -1_000, max: 1_000 }), fc.integer({ min: -1e9, max: 1e9 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(previousTs, step), { minLength: 1, maxLength: 20 }), (steps) => {
        for (const [ts, milliseconds] of steps) {
          const previous = {
            offset: 5,
            stream: 'conversation',
            conversationId,
            type: 'block_delta',
            messageId: messageIds[0],
            blockIndex: 0,
            seq: 3,
            ts,
            data: { text: 'a' },
          };
          const time = Date.parse(ts) + milliseconds;
          const expected = Number.isNaN(new Date(time).getTime()) ? undefined : new Date(time).toISOString();
          const expand = () => expandCompactDelta(previous, ['b', milliseconds]).ts;
          // A step of 0 says "the same time as the event before", whatever that text is.
          if (milliseconds === 0) expect(expand()).toBe(ts);
          else if (expected === undefined) expect(expand).toThrow("a compact delta's time is out of range");
          else expect(expand()).toBe(expected);
        }
      }),
    );
  });

  it('refuse to expand a short frame with nothing before it on the connection', () => {
    expect(() => expandCompactDelta(undefined, ['x'])).toThrow('before any full event');
  });
});
