import type { ConversationEvent, MessageId, Offset, TurnId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { eventBuilder } from '../test/event-builder.ts';
import { alternativesOf, currentPath, parentOf, pathTo } from './branch-selectors.ts';
import { type ConversationState, createConversationState } from './conversation-state.ts';
import { messageTree } from './message-tree.ts';
import { reduceAll } from './reduce.ts';
import { fromSnapshot, snapshot } from './snapshot.ts';

const build = eventBuilder(3);

/** Events of one whole message (open, one text block, complete) that the test names by `text`. */
function message(role: 'user' | 'assistant', text: string, turnId: TurnId, replaces?: MessageId) {
  const id = build.newMessageId();
  const open = build.messageOpen(id, { role, turnId, ...(replaces === undefined ? {} : { replaces }) });
  const block = build.blockOpen(id, 0, { blockType: 'text' });
  const delta = build.delta(id, 0, { text });
  const close = build.blockClose(id, 0);
  const final = {
    id,
    conversationId: build.conversationId,
    role,
    status: 'complete' as const,
    turnId,
    createdAt: open.ts,
    blocks: [{ index: 0, type: 'text' as const, status: 'closed' as const, text }],
    watermarks: { '-1': 1, '0': 3 },
  };
  return { id, events: [open, block, delta, close, build.complete(id, 'complete', final)] };
}

/** Folds events onto a state as if they came next in its stream (this file builds them out of order). */
function followedBy(state: ConversationState, events: readonly ConversationEvent[]): ConversationState {
  return reduceAll(
    state,
    events.map((event, index) => ({ ...event, offset: (state.offset + index + 1) as Offset })),
  );
}

const texts = (state: ConversationState) =>
  currentPath(state).map((entry) => (entry.blocks[0] as { text: string }).text);

describe('branches: the tree the reducer derives, its path and alternatives', () => {
  // Q1 → A1; A1 regenerated as A2; Q1 edited as Q2 → A3; then back to the branch through A1.
  const turn = build.newTurnId();
  const q1 = message('user', 'Q1', turn);
  const a1 = message('assistant', 'A1', turn);
  const a2 = message('assistant', 'A2', build.newTurnId(), a1.id);
  const editTurn = build.newTurnId();
  const q2 = message('user', 'Q2', editTurn, q1.id);
  const a3 = message('assistant', 'A3', editTurn);
  const linear = reduceAll(createConversationState(build.conversationId), [...q1.events, ...a1.events]);
  const regenerated = reduceAll(linear, a2.events);
  const edited = reduceAll(regenerated, [...q2.events, ...a3.events]);
  const backToA1 = reduceAll(edited, [build.other('branch_selected', { messageId: a1.id })]);

  it('a linear conversation stores no tree fields: its snapshot is the same as before branches existed', () => {
    const folded = snapshot(linear);
    expect(folded.leafId).toBeUndefined();
    for (const entry of folded.messages) {
      expect(entry).not.toHaveProperty('parentId');
      expect(entry).not.toHaveProperty('replaces');
    }
    expect(currentPath(linear)).toBe(linear.messages);
  });

  it('a regenerated answer is a new message beside the old one, and the path shows the new one', () => {
    expect(regenerated.messages.map((entry) => entry.id)).toEqual([q1.id, a1.id, a2.id]);
    expect(regenerated.messages[2]).toMatchObject({ parentId: q1.id, replaces: a1.id, status: 'complete' });
    expect(texts(regenerated)).toEqual(['Q1', 'A2']);
    expect(alternativesOf(regenerated, a2.id)).toEqual({ ids: [a1.id, a2.id], index: 1 });
    expect(alternativesOf(regenerated, a1.id)).toEqual({ ids: [a1.id, a2.id], index: 0 });
  });

  it('an edit at the first message branches at the conversation start (parent null)', () => {
    expect(parentOf(edited, q2.id)).toBeNull();
    expect(parentOf(edited, q1.id)).toBeNull();
    expect(parentOf(edited, a3.id)).toBe(q2.id);
    expect(edited.messages.find((entry) => entry.id === a3.id)).not.toHaveProperty('parentId');
    expect(texts(edited)).toEqual(['Q2', 'A3']);
    expect(alternativesOf(edited, q2.id)).toEqual({ ids: [q1.id, q2.id], index: 1 });
    expect(alternativesOf(edited, a3.id)).toEqual({ ids: [a3.id], index: 0 });
  });

  it('selecting a branch ends the path at the newest message below it, in the state and its snapshot', () => {
    expect(backToA1.leafId).toBe(a1.id);
    expect(texts(backToA1)).toEqual(['Q1', 'A1']);
    // Selecting Q1 goes to the newest answer under it, A2.
    const throughQ1 = followedBy(backToA1, [build.other('branch_selected', { messageId: q1.id })]);
    expect(texts(throughQ1)).toEqual(['Q1', 'A2']);
    expect(texts(fromSnapshot(JSON.parse(JSON.stringify(snapshot(backToA1)))))).toEqual(['Q1', 'A1']);
    // The newest message overall is the linear default: no leafId stored.
    const throughQ2 = followedBy(throughQ1, [build.other('branch_selected', { messageId: q2.id })]);
    expect(throughQ2.leafId).toBeUndefined();
    expect(texts(throughQ2)).toEqual(['Q2', 'A3']);
  });

  it('a message sent after a switch continues the selected branch', () => {
    const q3 = message('user', 'Q3', build.newTurnId());
    const continued = followedBy(backToA1, q3.events);
    expect(continued.leafId).toBeUndefined();
    expect(parentOf(continued, q3.id)).toBe(a1.id);
    expect(texts(continued)).toEqual(['Q1', 'A1', 'Q3']);
    expect(pathTo(continued, a3.id).map((entry) => entry.id)).toEqual([q2.id, a3.id]);
  });

  it('selecting a message nobody has changes nothing but the offset', () => {
    const unknown = followedBy(edited, [build.other('branch_selected', { messageId: build.newMessageId() })]);
    expect(unknown.offset).toBe(edited.offset + 1);
    expect(unknown.leafId).toBe(edited.leafId);
    expect(unknown.messages).toBe(edited.messages);
  });

  it('a streamed delta reuses the tree (same ids and parents); a new message gets its own', () => {
    const messages = edited.messages;
    const tree = messageTree(messages);
    const afterDelta = messages.map((entry, index) => (index === 1 ? { ...entry, blocks: [] } : entry));
    expect(messageTree(afterDelta)).toBe(tree);
    const shorter = messages.slice(0, -1);
    expect(messageTree(shorter)).not.toBe(tree);
    expect(messageTree(shorter).position.size).toBe(messages.length - 1);
  });

  it('the path is memoised: the same array while messages and leaf stay', () => {
    expect(currentPath(backToA1)).toBe(currentPath({ messages: backToA1.messages, leafId: a1.id }));
  });
});
