import { type ConversationState, createConversationState, reduce } from '@once/core';
import type { ConversationId } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConversation, conversationArbitrary, idsFor } from '../../../core/test/conversation-script.ts';
import { OpenWorkScan } from './open-work-scan.ts';

/** What `recoverConversation` acts on, read off the fully folded state. */
function hasOpenWork(state: ConversationState): boolean {
  if (state.activeTurn !== undefined) return true;
  if (state.messages.some((message) => message.status === 'streaming')) return true;
  const started = new Set(
    state.messages.filter((message) => message.role === 'assistant').map((message) => message.turnId),
  );
  return state.messages.some((message) => message.role === 'user' && !started.has(message.turnId));
}

describe('OpenWorkScan', () => {
  it('finds open work exactly when the folded state has some, wherever a crash cut the stream', () => {
    const conversationId = idsFor(99)() as ConversationId;
    fc.assert(
      fc.property(conversationArbitrary, (turns) => {
        const scan = new OpenWorkScan();
        let state = createConversationState(conversationId);
        // Every prefix is a place a crash could have cut the stream.
        expect(scan.hasOpenWork()).toBe(hasOpenWork(state));
        for (const event of buildConversation(turns, conversationId)) {
          scan.add({ offset: event.offset, type: event.type, json: JSON.stringify(event) });
          state = reduce(state, event);
          expect(scan.hasOpenWork()).toBe(hasOpenWork(state));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('passes over deltas without reading them', () => {
    const scan = new OpenWorkScan();
    scan.add({ offset: 1, type: 'block_delta', json: 'not even JSON' });
    expect(scan.hasOpenWork()).toBe(false);
  });
});
