import type { Conversation, ConversationId, IncomingEvent, Offset } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { idsFor } from '../test/conversation-script.ts';
import {
  type ConversationListState,
  createConversationListState,
  reduceConversationList,
} from './conversation-list.ts';

const newId = idsFor(3);
const conversation = (title: string, updatedAt: string): Conversation => ({
  id: newId() as ConversationId,
  title,
  createdAt: '2026-11-23T20:00:00.000Z',
  updatedAt,
});
const event = (offset: number, type: string, data: object) =>
  ({ offset: offset as Offset, stream: 'account', ts: '2026-11-23T21:00:00.000Z', type, data }) as IncomingEvent;

describe('reduceConversationList', () => {
  const older = conversation('Older', '2026-11-23T20:00:00.000Z');
  const newer = conversation('Newer', '2026-11-23T20:30:00.000Z');

  it('lists conversations most recently updated first, through renames and deletes', () => {
    const events = [
      event(1, 'conversation_created', { conversation: older }),
      event(2, 'conversation_created', { conversation: newer }),
      event(3, 'conversation_updated', {
        conversation: { ...older, title: 'Renamed', updatedAt: '2026-11-23T21:00:00.000Z' },
      }),
      event(4, 'conversation_deleted', { conversationId: newer.id }),
    ];
    const states: ConversationListState[] = [];
    let state = createConversationListState();
    for (const next of events) {
      state = reduceConversationList(state, next);
      states.push(state);
    }
    expect(states[1]?.conversations.map((entry) => entry.title)).toEqual(['Newer', 'Older']);
    expect(states[2]?.conversations.map((entry) => entry.title)).toEqual(['Renamed', 'Newer']);
    expect(states[3]?.conversations.map((entry) => entry.title)).toEqual(['Renamed']);
    expect(states[3]?.offset).toBe(4);
  });

  it('ignores duplicates, refuses gaps, and lets unknown types only advance the offset', () => {
    const first = reduceConversationList(
      createConversationListState(),
      event(1, 'conversation_created', { conversation: older }),
    );
    expect(reduceConversationList(first, event(1, 'conversation_created', { conversation: older }))).toBe(first);
    const gapped = reduceConversationList(first, event(3, 'conversation_created', { conversation: newer }));
    expect(gapped.resync).toEqual({ afterOffset: 1, refusedOffset: 3 });
    expect(gapped.conversations).toBe(first.conversations);
    const future = reduceConversationList(first, {
      ...event(2, 'folder_created', {}),
      unknownType: true,
    } as IncomingEvent);
    expect(future).toEqual({ offset: 2, conversations: first.conversations });
    // Read back raw from storage, nobody marked it unknown: still only counted.
    const unmarked = reduceConversationList(first, event(2, 'folder_created', {}) as IncomingEvent);
    expect(unmarked).toEqual({ offset: 2, conversations: first.conversations });
  });
});
