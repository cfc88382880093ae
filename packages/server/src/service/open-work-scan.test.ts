import { type ConversationState, createConversationState, reduce } from '@once/core';
import type { ConversationId } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConversation, conversationArbitrary, idsFor } from '../../../core/test/conversation-script.ts';
import { openWorkOf } from './open-work.ts';
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

const conversationId = idsFor(99)() as ConversationId;
const entryOf = (event: { offset: number; type: string }) => ({
  offset: event.offset,
  type: event.type,
  json: JSON.stringify(event),
});

describe('OpenWorkScan', () => {
  it('finds open work exactly when the folded state has some, wherever a crash cut the stream', () => {
    fc.assert(
      fc.property(conversationArbitrary, (turns) => {
        const scan = new OpenWorkScan();
        let state = createConversationState(conversationId);
        // Every prefix is a place a crash could have cut the stream.
        expect(scan.hasOpenWork()).toBe(hasOpenWork(state));
        for (const event of buildConversation(turns, conversationId)) {
          scan.add(entryOf(event));
          state = reduce(state, event);
          expect(scan.hasOpenWork()).toBe(hasOpenWork(state));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('started from a snapshot’s open work, finds what a scan from offset 0 finds, wherever the snapshot and the crash fall', () => {
    fc.assert(
      fc.property(conversationArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), (turns, where) => {
        const events = buildConversation(turns, conversationId);
        // The snapshot is taken after `cut` events, the crash anywhere after it: before,
        // during or after work the snapshot holds open.
        const cut = Math.floor(where * events.length);
        let state = createConversationState(conversationId);
        for (const event of events.slice(0, cut)) state = reduce(state, event);
        const scan = new OpenWorkScan(JSON.parse(JSON.stringify(openWorkOf(state))));
        expect(scan.hasOpenWork()).toBe(hasOpenWork(state));
        for (const event of events.slice(cut)) {
          scan.add(entryOf(event));
          state = reduce(state, event);
          expect(scan.hasOpenWork()).toBe(hasOpenWork(state));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('passes over deltas without reading them', () => {
    const scan = new OpenWorkScan();
    scan.add({ offset: 1, type: 'block_delta', json: 'not even JSON' });
    expect(scan.hasOpenWork()).toBe(false);
  });
});
