import type { Conversation, ConversationId, IncomingEvent, Offset } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConversationListState, reduceConversationList } from '../src/conversation-list.ts';
import { reduceConversationListEvents } from '../src/reduce-conversation-list-events.ts';

// Few ids and few timestamps, so that updates, deletes and equal timestamps meet often.
const id = fc.constantFrom('a', 'b', 'c', 'd', 'e') as fc.Arbitrary<ConversationId>;
const updatedAt = fc.constantFrom('2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z', '2026-12-03T00:00:00.000Z');
const conversation = fc
  .record({ id, title: fc.string({ maxLength: 3 }), updatedAt })
  .map((fields): Conversation => ({ ...fields, createdAt: '2026-12-01T00:00:00.000Z' }));
const body = fc.oneof(
  conversation.map((value) => ({ type: 'conversation_created', data: { conversation: value } })),
  conversation.map((value) => ({ type: 'conversation_updated', data: { conversation: value } })),
  id.map((conversationId) => ({ type: 'conversation_deleted', data: { conversationId } })),
  fc.constant({ type: 'folder_created', data: {} }),
);
/** Account events numbered 1, 2, …, then some repeated, dropped or moved: what a reader may meet. */
const events = fc
  .array(body, { maxLength: 40 })
  .map((bodies) =>
    bodies.map(
      (fields, index) =>
        ({
          ...fields,
          offset: (index + 1) as Offset,
          stream: 'account',
          ts: '2026-12-01T00:00:00.000Z',
        }) as IncomingEvent,
    ),
  )
  .chain((ordered) =>
    fc.shuffledSubarray(ordered, { minLength: 0, maxLength: ordered.length }).map((some) => [ordered, some] as const),
  );

describe('reduceConversationListEvents', () => {
  it('reaches the state of folding each event in turn, from any state, through duplicates and gaps', () => {
    fc.assert(
      fc.property(events, fc.nat(40), fc.nat(40), ([ordered, noise], split, cut) => {
        // A state folded one event at a time, then the rest in one call, in order or not.
        const start = ordered.slice(0, split).reduce(reduceConversationList, createConversationListState());
        const rest = [...ordered.slice(split, split + cut), ...noise];
        const oneByOne = rest.reduce(reduceConversationList, start);
        const together = reduceConversationListEvents(start, rest);
        expect(together).toStrictEqual(oneByOne);
        if (oneByOne === start) expect(together).toBe(start);
      }),
      { numRuns: 500 },
    );
  });
});
