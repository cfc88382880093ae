import { type ConversationState, createConversationState, reduce } from '@once/core';
import type { ConversationId } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConversation, conversationArbitrary, idsFor } from '../../../core/test/conversation-script.ts';
import { openWorkOf } from './open-work.ts';
import { mayHoldOpenWork, OpenWorkScan } from './open-work-scan.ts';
import { toStoredSnapshot } from './snapshot-record.ts';

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

describe('mayHoldOpenWork', () => {
  it('passes over a conversation only when its snapshot is at its head with nothing open, wherever the snapshot and the crash fall', () => {
    fc.assert(
      fc.property(
        conversationArbitrary,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (turns, where, crashAt) => {
          const events = buildConversation(turns, conversationId);
          // Open work is almost everywhere; half the snapshots fall where nothing is open
          // (between turns), where passing over is most tempting.
          let folded = createConversationState(conversationId);
          const states = [folded];
          for (const event of events) {
            folded = reduce(folded, event);
            states.push(folded);
          }
          const quiet = states.flatMap((folded, index) => (hasOpenWork(folded) ? [] : [index]));
          const cut =
            where < 0.5
              ? (quiet[Math.floor(where * 2 * quiet.length)] ?? 0)
              : Math.floor((where - 0.5) * 2 * events.length);
          // The crash after `crash` events, at or after the snapshot.
          const crash = cut + Math.floor(crashAt * (events.length - cut));
          if (crash === 0) return;
          const { offset, summary } = toStoredSnapshot(states[cut] ?? createConversationState(conversationId));
          const snapshot = cut === 0 ? undefined : { offset, summary };
          const state = states[crash] ?? createConversationState(conversationId);
          const head = { conversationId, head: state.offset, snapshot };
          // Never passes over open work (a crash's turn would stay open forever) ...
          if (hasOpenWork(state)) expect(mayHoldOpenWork(head)).toBe(true);
          // ... and reads nothing of a conversation left whole at its snapshot.
          if (cut === crash && !hasOpenWork(state)) expect(mayHoldOpenWork(head)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scans a conversation whose snapshot it cannot read, and none that holds no event', () => {
    const snapshot = { offset: 3, summary: '{"fold":0}' } as const;
    expect(mayHoldOpenWork({ conversationId, head: 3, snapshot } as Parameters<typeof mayHoldOpenWork>[0])).toBe(true);
    expect(mayHoldOpenWork(undefined)).toBe(false);
    // Nothing open at the snapshot, but an event after it (a user message a crash left unanswered, say).
    const quiet = { offset: 5, summary: JSON.stringify({ fold: 1, streaming: [], unanswered: [] }) };
    expect(mayHoldOpenWork({ conversationId, head: 6, snapshot: quiet } as Parameters<typeof mayHoldOpenWork>[0])).toBe(
      true,
    );
    expect(mayHoldOpenWork({ conversationId, head: 5, snapshot: quiet } as Parameters<typeof mayHoldOpenWork>[0])).toBe(
      false,
    );
  });
});
