import type { ClientMessageId, MessageSnapshot } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { eventBuilder } from '../test/event-builder.ts';
import { type ConversationState, createConversationState } from './conversation-state.ts';
import { addPendingMessage } from './pending-messages.ts';
import { reduce, reduceAll } from './reduce.ts';
import { selectMessages } from './select-messages.ts';

const build = eventBuilder();
const start = () => createConversationState(build.conversationId);

/** An assistant message that streamed "Hello, wor" and then stopped. */
function partialAnswer() {
  const b = eventBuilder();
  const id = b.newMessageId();
  const turnId = b.newTurnId();
  const events = [
    b.messageOpen(id, { role: 'assistant', turnId }),
    b.blockOpen(id, 0, { blockType: 'text' }),
    b.delta(id, 0, { text: 'Hello, ' }),
    b.delta(id, 0, { text: 'wor' }),
  ];
  const state = reduceAll(createConversationState(b.conversationId), events);
  const streamed = state.messages[0] as MessageSnapshot;
  return { b, id, turnId, state, streamed };
}

describe('reduce: one message, as it streams and as it ends', () => {
  it('shows text as it streams, in one message with the id from message_open', () => {
    const { id, streamed, state } = partialAnswer();
    expect(state.messages).toHaveLength(1);
    expect(streamed).toMatchObject({ id, role: 'assistant', status: 'streaming' });
    expect(streamed.blocks).toEqual([{ index: 0, type: 'text', status: 'open', text: 'Hello, wor' }]);
    expect(streamed.watermarks).toEqual({ '-1': 1, '0': 3 });
  });

  it('cancel keeps what was streamed and says the message was cancelled', () => {
    const { b, id, state, streamed } = partialAnswer();
    const cancelled = reduce(state, b.complete(id, 'cancelled', { ...streamed, status: 'cancelled' }));
    expect(cancelled.messages[0]).toMatchObject({ id, status: 'cancelled' });
    expect(cancelled.messages[0]?.blocks[0]).toMatchObject({ text: 'Hello, wor' });
  });

  it('an error ends the message with the error code and message', () => {
    const { b, id, state, streamed } = partialAnswer();
    const error = { code: 'provider_error', message: 'The provider closed the stream.' };
    const failed = reduce(state, b.complete(id, 'error', { ...streamed, status: 'error' }, { error }));
    expect(failed.messages[0]).toMatchObject({ status: 'error', error });
  });

  it('a message cut off by a crash is closed as interrupted with its text kept', () => {
    const { b, id, state, streamed } = partialAnswer();
    const interrupted = reduce(state, b.complete(id, 'interrupted', { ...streamed, status: 'interrupted' }));
    expect(interrupted.messages[0]).toMatchObject({ status: 'interrupted', blocks: [{ text: 'Hello, wor' }] });
  });

  it('message_complete reconciles to the final snapshot, so a reader that missed deltas ends the same', () => {
    const { b, id, streamed } = partialAnswer();
    const final: MessageSnapshot = {
      ...streamed,
      status: 'complete',
      blocks: [{ index: 0, type: 'text', status: 'closed', text: 'Hello, world.' }],
      watermarks: { '-1': 1, '0': 5 },
    };
    // A reader that saw the open and first delta only, then the completion.
    const late = reduceAll(start(), [{ ...b.complete(id, 'complete', final), offset: 1 } as never]);
    expect(late.messages).toEqual([{ ...final, watermarks: { '-1': 2, '0': 5 } }]);
  });

  it('a multi-step turn is one assistant message with its blocks in order', () => {
    const b = eventBuilder();
    const id = b.newMessageId();
    const turnId = b.newTurnId();
    const state = reduceAll(createConversationState(b.conversationId), [
      b.messageOpen(id, { role: 'assistant', turnId }),
      b.blockOpen(id, 0, { blockType: 'text' }),
      b.delta(id, 0, { text: 'Let me check the time.' }),
      b.blockClose(id, 0),
      b.blockOpen(id, 1, { blockType: 'tool_use', toolName: 'clock', toolUseId: 'call-1' }),
      b.delta(id, 1, { partialJson: '{"zone":' }),
      b.delta(id, 1, { partialJson: '"UTC"}' }),
      b.blockClose(id, 1, { input: { zone: 'UTC' } }),
      b.blockOpen(id, 2, { blockType: 'tool_result', toolUseId: 'call-1' }),
      b.delta(id, 2, { text: '21:00' }),
      b.blockClose(id, 2, { result: { time: '21:00' }, isError: false }),
      b.blockOpen(id, 3, { blockType: 'text' }),
      b.delta(id, 3, { text: 'It is 21:00.' }),
    ]);
    expect(state.messages).toHaveLength(1);
    expect(state.messages[0]?.blocks).toEqual([
      { index: 0, type: 'text', status: 'closed', text: 'Let me check the time.' },
      {
        index: 1,
        type: 'tool_use',
        status: 'closed',
        toolName: 'clock',
        toolUseId: 'call-1',
        partialJson: '{"zone":"UTC"}',
        input: { zone: 'UTC' },
      },
      {
        index: 2,
        type: 'tool_result',
        status: 'closed',
        toolUseId: 'call-1',
        text: '21:00',
        result: { time: '21:00' },
        isError: false,
      },
      { index: 3, type: 'text', status: 'open', text: 'It is 21:00.' },
    ]);
  });

  it('a surface applies its JSON merge patches in order', () => {
    const b = eventBuilder();
    const id = b.newMessageId();
    const state = reduceAll(createConversationState(b.conversationId), [
      b.messageOpen(id, { role: 'assistant', turnId: b.newTurnId() }),
      b.blockOpen(id, 0, { blockType: 'surface', surfaceId: 'weather', surfaceType: 'card' }),
      b.delta(id, 0, { patch: { title: 'Paris', body: { temp: 12, wind: 'N' } } }),
      b.delta(id, 0, { patch: { body: { wind: null, rain: true } } }),
    ]);
    expect(state.messages[0]?.blocks[0]).toMatchObject({ data: { title: 'Paris', body: { temp: 12, rain: true } } });
  });
});

describe('reduce: what it refuses and what it ignores', () => {
  it('refuses a delta whose seq skips one, and records where to resume', () => {
    const { b, id, state } = partialAnswer();
    b.delta(id, 0, { text: 'lost' });
    const skipped = { ...b.delta(id, 0, { text: 'd' }), offset: state.offset + 1 } as never;
    const next = reduce(state, skipped);
    expect(next.messages).toBe(state.messages);
    expect(next.offset).toBe(state.offset);
    expect(next.resync).toMatchObject({ reason: 'sequence_gap', afterOffset: state.offset });
  });

  it('refuses a delta for a message it never saw open', () => {
    const b = eventBuilder();
    const id = b.newMessageId();
    const next = reduce(createConversationState(b.conversationId), {
      ...b.delta(id, 0, { text: 'x' }),
      seq: 1,
    } as never);
    expect(next.resync).toMatchObject({ reason: 'sequence_gap', afterOffset: 0 });
    expect(next.messages).toEqual([]);
  });

  it('refuses a block that opens before the block before it', () => {
    const b = eventBuilder();
    const id = b.newMessageId();
    const state = reduceAll(createConversationState(b.conversationId), [
      b.messageOpen(id, { role: 'assistant', turnId: b.newTurnId() }),
      b.blockOpen(id, 1, { blockType: 'text' }),
    ]);
    expect(state.resync).toMatchObject({ reason: 'sequence_gap', afterOffset: 1, refusedOffset: 2 });
    expect(state.messages[0]?.blocks).toEqual([]);
  });

  it('a delta replayed at a new offset (seq at or below the watermark) changes nothing but the offset', () => {
    const { b, id, state } = partialAnswer();
    const replayed = { ...b.delta(id, 0, { text: 'wor' }), seq: 3 } as never;
    const next = reduce(state, replayed);
    expect(next.messages).toBe(state.messages);
    expect(next.offset).toBe(state.offset + 1);
  });

  it('an event of an unknown type is kept as an app event after the last message, and the messages keep their identity', () => {
    const { b, id, state } = partialAnswer();
    const next = reduce(state, b.unknown('hologram_open'));
    const offset = state.offset + 1;
    expect(next).toEqual({
      ...state,
      offset,
      appEvents: [{ offset, type: 'hologram_open', data: { future: true }, afterMessageId: id }],
    });
    expect(next.messages).toBe(state.messages);
  });

  it('an event of an unknown type that was never marked as such (read back raw from storage) is kept the same way', () => {
    const { b, state } = partialAnswer();
    const { unknownType: _mark, ...unmarked } = b.unknown('poll_vote') as { unknownType?: true };
    const next = reduce(state, unmarked as never);
    expect(next.appEvents).toMatchObject([{ offset: state.offset + 1, type: 'poll_vote' }]);
    expect(next.messages).toBe(state.messages);
  });

  it('an app event whose data names a message and a block position is placed there (decision 010)', () => {
    const { b, id, state } = partialAnswer();
    const data = { messageId: id, beforeBlock: 1, name: 'weather', id: 'w1', data: { temperature: 21 } };
    const next = reduceAll(state, [b.unknown('data_weather', data), b.unknown('step_start', { messageId: id })]);
    expect(next.appEvents).toEqual([
      { offset: state.offset + 1, type: 'data_weather', data, messageId: id, beforeBlock: 1 },
      { offset: state.offset + 2, type: 'step_start', data: { messageId: id }, messageId: id },
    ]);
  });

  it('an app event before any message, or naming no valid message id, is kept without a place', () => {
    const b = eventBuilder();
    const next = reduceAll(createConversationState(b.conversationId), [
      b.unknown('progress'),
      b.unknown('data_note', { messageId: 'not-an-id', beforeBlock: 0 }),
    ]);
    expect(next.appEvents).toEqual([
      { offset: 1, type: 'progress', data: { future: true } },
      { offset: 2, type: 'data_note', data: { messageId: 'not-an-id', beforeBlock: 0 } },
    ]);
  });

  it('a known event leaves the app events as they were (same array)', () => {
    const { b, id, state } = partialAnswer();
    const withEvent = reduce(state, b.unknown('hologram_open'));
    const next = reduce(withEvent, b.delta(id, 0, { text: 'ld' }));
    expect(next.appEvents).toBe(withEvent.appEvents);
  });

  it('an event of another conversation returns the very same state', () => {
    const { state } = partialAnswer();
    const other = eventBuilder(9);
    const id = other.newMessageId();
    expect(reduce(state, other.messageOpen(id, { role: 'assistant', turnId: other.newTurnId() }))).toBe(state);
  });
});

describe('reduce: turns, activity and approvals', () => {
  it('tracks the running turn, what it is doing and the approvals it waits for', () => {
    const b = eventBuilder();
    const turnId = b.newTurnId();
    const userMessageId = b.newMessageId();
    const events = [
      b.other('turn_start', { turnId, userMessageId }),
      b.other('activity', { phase: 'awaiting_approval', text: 'Waiting for you' }),
      b.other('approval_request', { toolUseId: 'call-1', toolName: 'shell', input: { command: 'ls' } }),
      b.other('approval_request', { toolUseId: 'call-2', toolName: 'shell', input: { command: 'pwd' } }),
      b.other('approval_resolved', { toolUseId: 'call-1', decision: 'allow' }),
      b.other('turn_end', { turnId, reason: 'complete' }),
    ];
    const states: ConversationState[] = [];
    let state = createConversationState(b.conversationId);
    for (const event of events) {
      state = reduce(state, event);
      states.push(state);
    }
    expect(states[0]?.activeTurn).toEqual({ turnId, userMessageId });
    expect(states[1]?.activity).toEqual({ phase: 'awaiting_approval', text: 'Waiting for you' });
    expect(states[3]?.pendingApprovals.map((approval) => approval.toolUseId)).toEqual(['call-1', 'call-2']);
    expect(states[4]?.pendingApprovals.map((approval) => approval.toolUseId)).toEqual(['call-2']);
    expect(states[5]).toMatchObject({ activity: { phase: 'idle' }, pendingApprovals: [] });
    expect(states[5]?.activeTurn).toBeUndefined();
  });

  it('keeps on the running turn the answer a regenerate turn replaces and the request it runs', () => {
    const b = eventBuilder();
    const turnId = b.newTurnId();
    const userMessageId = b.newMessageId();
    const replaces = b.newMessageId();
    const clientMessageId = 'regenerate-1' as ClientMessageId;
    const started = reduce(
      createConversationState(b.conversationId),
      b.other('turn_start', { turnId, userMessageId, replaces, clientMessageId }),
    );
    expect(started.activeTurn).toEqual({ turnId, userMessageId, replaces, clientMessageId });
    expect(reduce(started, b.other('turn_end', { turnId, reason: 'interrupted' })).activeTurn).toBeUndefined();
  });
});

describe('optimistic user messages', () => {
  const clientMessageId = 'send-1' as ClientMessageId;

  it('a pending message is replaced in place by the server message with its clientMessageId', () => {
    const b = eventBuilder();
    const earlier = b.newMessageId();
    const turnId = b.newTurnId();
    let state = reduce(
      createConversationState(b.conversationId),
      b.messageOpen(earlier, { role: 'assistant', turnId }),
    );
    state = addPendingMessage(state, { clientMessageId, text: 'Hi', createdAt: '2026-11-23T21:00:00.000Z' });
    state = addPendingMessage(state, {
      clientMessageId: 'send-2' as ClientMessageId,
      text: 'And?',
      createdAt: '2026-11-23T21:00:01.000Z',
    });
    expect(selectMessages(state).map((message) => message.status)).toEqual(['streaming', 'pending', 'pending']);

    const id = b.newMessageId();
    state = reduceAll(state, [
      b.messageOpen(id, { role: 'user', turnId: b.newTurnId(), clientMessageId }),
      b.blockOpen(id, 0, { blockType: 'text' }),
      b.delta(id, 0, { text: 'Hi' }),
    ]);
    const listed = selectMessages(state);
    expect(listed).toHaveLength(3);
    expect(listed[1]).toMatchObject({ id, clientMessageId, status: 'streaming' });
    expect(listed[2]).toMatchObject({ clientMessageId: 'send-2', status: 'pending' });
  });

  it('sending the same clientMessageId again shows one message, before and after confirmation', () => {
    const b = eventBuilder();
    const input = { clientMessageId, text: 'Hi', createdAt: '2026-11-23T21:00:00.000Z' };
    let state = addPendingMessage(createConversationState(b.conversationId), input);
    expect(addPendingMessage(state, input)).toBe(state);
    state = reduce(state, b.messageOpen(b.newMessageId(), { role: 'user', turnId: b.newTurnId(), clientMessageId }));
    expect(addPendingMessage(state, input)).toBe(state);
    expect(selectMessages(state)).toHaveLength(1);
  });
});
