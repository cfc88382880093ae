import { describe, expect, it } from 'vitest';
import { exampleEvents, exampleIds, withField } from '../test/example-events.ts';
import { isOnceError, type OnceError } from './errors.ts';
import { EVENT_TYPES, parseEvent, safeParseEvent } from './event.ts';

const examples = Object.values(exampleEvents);
const conversationExamples = examples.filter((event) => event.stream === 'conversation');
const accountExamples = examples.filter((event) => event.stream === 'account');
const messageExamples = examples.filter((event) => 'messageId' in event);
const blockExamples = messageExamples.filter((event) => event.blockIndex !== -1);
const messageLevelExamples = messageExamples.filter((event) => event.blockIndex === -1);

/** A well-formed UUID, but version 4: ids must be UUIDv7. */
const UUID_V4 = '8c5a1c1e-7f1b-4c3e-9d3a-2b1f0e6a9c4d';

/** The error `safeParseEvent` reports for `input`, after checking it matches what `parseEvent` throws. */
function refusal(input: unknown): OnceError {
  const result = safeParseEvent(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  let thrown: unknown;
  try {
    parseEvent(input);
  } catch (error) {
    thrown = error;
  }
  expect(isOnceError(thrown)).toBe(true);
  expect((thrown as OnceError).message).toBe(result.error.message);
  return result.error;
}

/** Asserts `input` is refused as an invalid `type` event because of the field at `path`. */
function expectRefused(input: unknown, type: string, path: string): OnceError {
  const error = refusal(input);
  expect(error.code).toBe('invalid_event');
  expect(error.status).toBe(400);
  expect(error.message).toMatch(new RegExp(`^Invalid ${type} event: `));
  expect(error.message).toContain(`${path}: `);
  return error;
}

describe('parseEvent accepts every valid event', () => {
  it('has an example of every event type the protocol knows', () => {
    expect(new Set(Object.keys(exampleEvents))).toEqual(EVENT_TYPES);
  });

  it.each(examples)('accepts a $type event and returns it unchanged', (event) => {
    expect(parseEvent(event)).toEqual(event);
    expect(safeParseEvent(event)).toEqual({ success: true, event });
  });

  it.each(examples)('round-trips a $type event through JSON unchanged', (event) => {
    const wire = JSON.parse(JSON.stringify(parseEvent(event)));
    expect(wire).toEqual(event);
    expect(parseEvent(wire)).toEqual(event);
  });

  it.each(examples)('ignores fields it does not know on a $type event', (event) => {
    expect(parseEvent({ ...event, addedInV2: true })).toEqual(event);
  });

  it('accepts optional fields left out', () => {
    expect(parseEvent(withField(exampleEvents.message_open, 'data.clientMessageId', undefined))).toBeTruthy();
    expect(parseEvent(withField(exampleEvents.activity, 'data.text', undefined))).toBeTruthy();
    expect(parseEvent({ ...exampleEvents.block_close, data: {} })).toBeTruthy();
  });

  it('keeps what a regenerate turn_start says its answer replaces and which request it runs', () => {
    const data = {
      ...exampleEvents.turn_start.data,
      replaces: exampleIds.assistantMessage,
      clientMessageId: 'regenerate-1',
    };
    expect(parseEvent({ ...exampleEvents.turn_start, data }).data).toEqual(data);
  });

  it('accepts each kind of block_delta payload and each block type on block_open', () => {
    for (const data of [{ text: '' }, { partialJson: '{"a":' }, { patch: { title: null, rows: [1, 2] } }]) {
      expect(parseEvent({ ...exampleEvents.block_delta, data }).data).toEqual(data);
    }
    for (const data of [
      { blockType: 'text' },
      { blockType: 'thinking' },
      { blockType: 'tool_use', toolName: 'clock', toolUseId: 'toolu_1' },
      { blockType: 'tool_result', toolUseId: 'toolu_1' },
      { blockType: 'surface', surfaceId: 'card_1', surfaceType: 'card' },
    ]) {
      expect(parseEvent({ ...exampleEvents.block_open, data }).data).toEqual(data);
    }
  });
});

describe('parseEvent refuses a malformed envelope, naming the event type and the field', () => {
  const everyEvent: Array<[string, unknown]> = [
    ['offset', 0],
    ['offset', -1],
    ['offset', 1.5],
    ['offset', '1'],
    ['offset', Number.MAX_SAFE_INTEGER + 2],
    ['offset', undefined],
    ['ts', 'yesterday'],
    ['ts', '2026-11-23'],
    ['ts', '2026-13-01T00:00:00.000Z'],
    ['ts', 1_700_000_000_000],
    ['ts', undefined],
    ['stream', 'elsewhere'],
    ['data', undefined],
    ['data', 'Hello'],
  ];
  describe.each(examples)('$type', (event) => {
    it.each(everyEvent)('%s = %j', (path, value) => {
      expectRefused(withField(event, path, value), event.type, path);
    });
  });

  const conversationStream: Array<[string, unknown]> = [
    ['stream', 'account'],
    ['conversationId', UUID_V4],
    ['conversationId', 'not-a-uuid'],
    ['conversationId', undefined],
  ];
  describe.each(conversationExamples)('$type', (event) => {
    it.each(conversationStream)('%s = %j', (path, value) => {
      expectRefused(withField(event, path, value), event.type, path);
    });
  });

  describe.each(accountExamples)('$type', (event) => {
    it('stream = "conversation"', () => {
      expectRefused(withField(event, 'stream', 'conversation'), event.type, 'stream');
    });
  });

  const messageScoped: Array<[string, unknown]> = [
    ['messageId', UUID_V4],
    ['messageId', '0193'],
    ['messageId', undefined],
    ['seq', 0],
    ['seq', -1],
    ['seq', 2.5],
    ['seq', '1'],
    ['seq', undefined],
    ['blockIndex', undefined],
    ['blockIndex', '0'],
  ];
  describe.each(messageExamples)('$type', (event) => {
    it.each(messageScoped)('%s = %j', (path, value) => {
      expectRefused(withField(event, path, value), event.type, path);
    });
  });

  describe.each(blockExamples)('$type', (event) => {
    it.each([-1, -2, 0.5, 100_001])('blockIndex = %j (block events use 0 or more)', (blockIndex) => {
      expectRefused({ ...event, blockIndex }, event.type, 'blockIndex');
    });
  });

  describe.each(messageLevelExamples)('$type', (event) => {
    it.each([0, 1, -2])('blockIndex = %j (message-level events use -1)', (blockIndex) => {
      const error = expectRefused({ ...event, blockIndex }, event.type, 'blockIndex');
      expect(error.message).toContain('-1');
    });
  });
});

describe('parseEvent refuses malformed data, naming the event type and the field', () => {
  const cases: Array<[keyof typeof exampleEvents, string, unknown]> = [
    ['message_open', 'data.role', 'system'],
    ['message_open', 'data.turnId', undefined],
    ['message_open', 'data.turnId', UUID_V4],
    ['message_open', 'data.clientMessageId', ''],
    ['message_open', 'data.clientMessageId', 'has space'],
    ['message_open', 'data.clientMessageId', 'x'.repeat(129)],
    ['block_open', 'data.blockType', 'image'],
    ['block_open', 'data.blockType', undefined],
    ['block_open', 'data.toolName', ''],
    ['block_open', 'data.toolUseId', undefined],
    ['block_delta', 'data.text', 42],
    ['block_delta', 'data.text', null],
    ['block_close', 'data.isError', 'yes'],
    ['block_close', 'data.data', ['not', 'an', 'object']],
    ['message_complete', 'data.status', 'done'],
    ['message_complete', 'data.status', 'streaming'],
    ['message_complete', 'data.message', undefined],
    ['message_complete', 'data.message.id', 'nope'],
    ['message_complete', 'data.message.blocks.0.type', 'image'],
    ['message_complete', 'data.usage.inputTokens', -1],
    ['message_complete', 'data.stopReason', 7],
    ['turn_start', 'data.userMessageId', UUID_V4],
    ['turn_start', 'data.turnId', undefined],
    ['turn_start', 'data.replaces', 'not-a-message-id'],
    ['turn_start', 'data.clientMessageId', 'has space'],
    ['turn_end', 'data.reason', 'finished'],
    ['activity', 'data.phase', 'sleeping'],
    ['activity', 'data.text', 1],
    ['approval_request', 'data.toolName', ''],
    ['approval_request', 'data.toolUseId', 3],
    ['approval_resolved', 'data.decision', 'maybe'],
    ['usage', 'data.outputTokens', 1.5],
    ['message_open', 'data.replaces', 'not-a-message-id'],
    ['branch_selected', 'data.messageId', undefined],
    ['branch_selected', 'data.messageId', UUID_V4],
    ['usage', 'data.inputTokens', undefined],
    ['conversation_created', 'data.conversation.title', 'x'.repeat(201)],
    ['conversation_created', 'data.conversation.id', UUID_V4],
    ['conversation_updated', 'data.conversation.updatedAt', 'soon'],
    ['conversation_deleted', 'data.conversationId', 'nope'],
  ];
  it.each(cases)('%s with %s = %j', (type, path, value) => {
    expectRefused(withField(exampleEvents[type], path, value), type, path);
  });

  it('refuses a message_complete whose blocks are out of order', () => {
    const blocks = [...exampleEvents.message_complete.data.message.blocks].reverse();
    const input = withField(exampleEvents.message_complete, 'data.message.blocks', blocks);
    const error = expectRefused(input, 'message_complete', 'data.message.blocks');
    expect(error.message).toContain('index');
  });

  it('refuses a block_delta that carries two kinds of payload', () => {
    const input = { ...exampleEvents.block_delta, data: { text: 'a', partialJson: '{' } };
    const error = expectRefused(input, 'block_delta', 'data');
    expect(error.message).toMatch(/exactly one of text, partialJson or patch/);
  });

  it('refuses a block_delta with no payload', () => {
    const error = expectRefused({ ...exampleEvents.block_delta, data: {} }, 'block_delta', 'data');
    expect(error.message).toMatch(/exactly one of text, partialJson or patch/);
  });

  it('refuses a surface patch that is not an object', () => {
    expectRefused({ ...exampleEvents.block_delta, data: { patch: [1] } }, 'block_delta', 'data.patch');
  });

  it('names at most three wrong fields and counts the rest', () => {
    const input = { ...exampleEvents.turn_start, offset: 0, ts: 'x', conversationId: 'y', data: { turnId: 'z' } };
    const error = expectRefused(input, 'turn_start', 'offset');
    expect(error.message).toMatch(/\(and \d+ more\)\.$/);
  });
});

describe('parseEvent refuses what is not an event object', () => {
  it.each([null, undefined, [], [exampleEvents.usage], 'block_delta', 42, true])('%j', (input) => {
    const error = refusal(input);
    expect(error.code).toBe('invalid_event');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Invalid event: .*expected object/);
  });

  it('refuses an event without a type, naming the field', () => {
    const { type: _type, ...untyped } = exampleEvents.usage;
    const error = refusal(untyped);
    expect(error.message).toMatch(/^Invalid event: type: /);
  });

  it.each(['nonsense', 'Block_Delta', ''])('refuses the unknown type %j, naming the field', (type) => {
    const error = refusal({ ...exampleEvents.usage, type });
    expect(error.code).toBe('invalid_event');
    expect(error.message).toContain('type: ');
  });
});
