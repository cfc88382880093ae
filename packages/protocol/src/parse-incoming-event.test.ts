import { describe, expect, it } from 'vitest';
import { exampleEvents, exampleIds, withField } from '../test/example-events.ts';
import { isOnceError, type OnceError } from './errors.ts';
import { isKnownEvent, parseEvent, parseIncomingEvent } from './event.ts';

/** An event of a type a later protocol version might add. */
const fromTheFuture = {
  offset: 12,
  stream: 'conversation',
  conversationId: exampleIds.conversation,
  type: 'reaction_added',
  messageId: exampleIds.assistantMessage,
  blockIndex: -1,
  seq: 3,
  ts: '2026-11-23T21:00:12.000Z',
  data: { emoji: '👍', anything: [1, { deep: true }] },
};

function thrownBy(input: unknown): OnceError {
  try {
    parseIncomingEvent(input);
  } catch (error) {
    expect(isOnceError(error)).toBe(true);
    return error as OnceError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('parseIncomingEvent', () => {
  it.each(Object.values(exampleEvents))('returns a known $type event as parseEvent does', (event) => {
    const incoming = parseIncomingEvent(event);
    expect(incoming).toEqual(parseEvent(event));
    expect(isKnownEvent(incoming)).toBe(true);
  });

  it('accepts an unknown type with a valid envelope and marks it, keeping its offset', () => {
    const incoming = parseIncomingEvent(fromTheFuture);
    expect(incoming).toEqual({ ...fromTheFuture, unknownType: true });
    expect(isKnownEvent(incoming)).toBe(false);
    expect(incoming.offset).toBe(12);
  });

  it('accepts an unknown type on the account stream and one with only the base envelope', () => {
    const accountEvent = { offset: 4, stream: 'account', type: 'workspace_renamed', ts: fromTheFuture.ts, data: {} };
    expect(parseIncomingEvent(accountEvent)).toEqual({ ...accountEvent, unknownType: true });
    const { messageId: _m, blockIndex: _b, seq: _s, ...conversationLevel } = fromTheFuture;
    expect(parseIncomingEvent(conversationLevel)).toEqual({ ...conversationLevel, unknownType: true });
  });

  it.each([
    ['offset', 0],
    ['offset', -3],
    ['offset', 2.5],
    ['offset', undefined],
    ['ts', 'now'],
    ['ts', undefined],
    ['stream', 'elsewhere'],
    ['stream', undefined],
    ['conversationId', 'not-a-uuid'],
    ['messageId', '8c5a1c1e-7f1b-4c3e-9d3a-2b1f0e6a9c4d'],
    ['seq', 0],
    ['blockIndex', -2],
    ['type', 'Reaction-Added'],
  ])('refuses an unknown type whose envelope has %s = %j', (path, value) => {
    const error = thrownBy(withField(fromTheFuture, path, value));
    expect(error.code).toBe('invalid_event');
    expect(error.status).toBe(400);
    expect(error.message).toContain(`${path}: `);
  });

  it('refuses an unknown conversation-stream event without a conversationId', () => {
    // Without it a reader cannot tell whose offset the event takes, so it could never
    // count it and would ask for the same event again and again.
    const error = thrownBy(withField(fromTheFuture, 'conversationId', undefined));
    expect(error.message).toContain('Invalid reaction_added event: conversationId: ');
  });

  it('still validates a known type strictly', () => {
    const error = thrownBy({ ...exampleEvents.block_delta, data: { text: 42 } });
    expect(error.code).toBe('invalid_event');
    expect(error.message).toContain('Invalid block_delta event: data.text: ');
    expect(() => parseIncomingEvent(withField(exampleEvents.turn_end, 'data.reason', 'later'))).toThrow(
      /data\.reason: /,
    );
  });

  it.each([null, undefined, [], 'reaction_added', 7])('refuses %j', (input) => {
    const error = thrownBy(input);
    expect(error.code).toBe('invalid_event');
    expect(error.message).toMatch(/^Invalid event: /);
  });
});
