import { createConversationState, reduce, reduceAll } from '@once/core';
import type { ConversationId } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConversation, conversationArbitrary, idsFor } from '../../../core/test/conversation-script.ts';
import { fromStoredSnapshot, openWorkOfSummary, toStoredSnapshot } from './snapshot-record.ts';

const conversationId = idsFor(7)() as ConversationId;

describe('stored snapshots of a conversation', () => {
  it('folding the events after a stored snapshot gives the state folded from offset 0, wherever it was taken', () => {
    fc.assert(
      fc.property(conversationArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), (turns, where) => {
        const events = buildConversation(turns, conversationId);
        const cut = Math.max(1, Math.floor(where * events.length));
        const prefix = reduceAll(createConversationState(conversationId), events.slice(0, cut));
        const restored = fromStoredSnapshot(conversationId, toStoredSnapshot(prefix));
        expect(restored).toEqual(prefix);
        const whole = reduceAll(createConversationState(conversationId), events);
        expect(reduceAll(restored ?? createConversationState(conversationId), events.slice(cut))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('is passed over when it cannot be used: not JSON, another conversation or offset, another fold version', () => {
    const events = buildConversation([], conversationId);
    const state = events.reduce(reduce, createConversationState(conversationId));
    const stored = { ...toStoredSnapshot({ ...state, offset: 3 as never }) };
    expect(fromStoredSnapshot(conversationId, stored)).toBeDefined();
    expect(fromStoredSnapshot(conversationId, { ...stored, state: '{"conversationId":' })).toBeUndefined();
    expect(fromStoredSnapshot('another' as ConversationId, stored)).toBeUndefined();
    expect(fromStoredSnapshot(conversationId, { ...stored, offset: 4 as never })).toBeUndefined();
    const otherFold = stored.summary.replace('"fold":1', '"fold":2');
    expect(fromStoredSnapshot(conversationId, { ...stored, summary: otherFold })).toBeUndefined();
    expect(openWorkOfSummary({ offset: stored.offset, summary: otherFold })).toBeUndefined();
    expect(openWorkOfSummary({ offset: stored.offset, summary: 'null' })).toBeUndefined();
  });
});
