import { createConversationState, currentPath, fromSnapshot, parentOf, reduceAll, snapshot } from '@once/core';
import type { ConversationId, ConversationSnapshot, IncomingEvent, MessageId, MessageSnapshot } from '@once/protocol';
import { placedOnTree as placed } from '@once/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConversation, conversationArbitrary, idsFor } from '../../../core/test/conversation-script.ts';
import { eventBuilder } from '../../../core/test/event-builder.ts';
import { latestPage, olderPage } from './snapshot-pages.ts';

const conversationId = idsFor(7)() as ConversationId;

/** A stream cut anywhere (mid-turn included), the snapshot there, and page sizes. */
const scenario = fc
  .tuple(conversationArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 6 }))
  .map(([turns, cut, limit]) => {
    const events = buildConversation(turns, conversationId);
    const at = Math.round(cut * events.length);
    const before = reduceAll(createConversationState(conversationId), events.slice(0, at));
    return { events, at, full: snapshot(before), limit };
  });

/** Every page from the latest back to the first, oldest first. */
function allPages(full: ConversationSnapshot, limit: number) {
  const latest = latestPage(full, limit);
  const pages: { messages: readonly MessageSnapshot[]; appEvents?: ConversationSnapshot['appEvents'] }[] = [latest];
  for (let older = latest.older; older !== undefined; ) {
    const page = olderPage(full, older.before, limit);
    pages.unshift(page);
    older = page.older;
  }
  return { latest, pages };
}

describe('history pages of a snapshot', () => {
  it('hold every message and app event once, in order, and the latest page keeps the rest of the snapshot', () => {
    fc.assert(
      fc.property(scenario, ({ full, limit }) => {
        const { latest, pages } = allPages(full, limit);
        // Each page places its messages where the whole snapshot does, the first included.
        expect(pages.flatMap((page) => placed(page.messages))).toEqual(placed(full.messages));
        const records = pages.flatMap((page) => page.appEvents ?? []).sort((a, b) => a.offset - b.offset);
        expect(records).toEqual(full.appEvents ?? []);
        const { messages: _m, appEvents: _a, older, ...rest } = latest;
        const { messages: _fm, appEvents: _fa, ...fullRest } = full;
        expect(rest).toEqual(fullRest);
        expect(latest.messages.length).toBeGreaterThanOrEqual(Math.min(limit, full.messages.length));
        expect(older?.count ?? 0).toBe(full.messages.length - latest.messages.length);
      }),
      { numRuns: 300 },
    );
  });

  it('leave out only messages that have ended: the events after the page fold onto it without a refusal', () => {
    fc.assert(
      fc.property(scenario, ({ events, at, full, limit }) => {
        const latest = latestPage(full, limit);
        for (const message of full.messages.slice(0, latest.older?.count ?? 0)) {
          expect(message.status).not.toBe('streaming');
        }
        const live = reduceAll(fromSnapshot(latest), events.slice(at));
        const whole = reduceAll(createConversationState(conversationId), events);
        expect(live.resync).toBeUndefined();
        expect(placed(live.messages)).toEqual(placed(whole.messages).slice(latest.older?.count ?? 0));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a streaming message, the running turn’s user message and an awaited approval in the latest page', () => {
    fc.assert(
      fc.property(scenario, ({ full }) => {
        const latest = latestPage(full, 1);
        const ids = new Set(latest.messages.map((message) => message.id));
        for (const message of full.messages) {
          if (message.status === 'streaming') expect(ids.has(message.id)).toBe(true);
        }
        if (full.activeTurn !== undefined && full.messages.some((m) => m.id === full.activeTurn?.userMessageId)) {
          expect(ids.has(full.activeTurn.userMessageId)).toBe(true);
        }
        const awaited = new Set(full.pendingApprovals.map((approval) => approval.toolUseId));
        for (const message of full.messages) {
          if (message.blocks.some((block) => block.type === 'tool_use' && awaited.has(block.toolUseId))) {
            expect(ids.has(message.id)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a message still streaming behind a newer one, so its next delta folds onto the page', () => {
    const b = eventBuilder(5);
    const streaming = b.newMessageId();
    const newer = b.newMessageId();
    const events = [
      b.messageOpen(streaming, { role: 'assistant', turnId: b.newTurnId() }),
      b.blockOpen(streaming, 0, { blockType: 'text' }),
      b.messageOpen(newer, { role: 'user', turnId: b.newTurnId() }),
    ];
    const full = snapshot(reduceAll(createConversationState(b.conversationId), events));
    const latest = latestPage(full, 1);
    expect(latest.messages.map((message) => message.id)).toEqual([streaming, newer]);
    expect(latest.older).toBeUndefined();
    const live = reduceAll(fromSnapshot(latest), [b.delta(streaming, 0, { text: 'still here' })]);
    expect(live.resync).toBeUndefined();
    expect(live.messages[0]?.blocks[0]).toMatchObject({ text: 'still here' });
  });

  it("reaches back to the current path's leaf (decision 022), so a page never shows an empty path", () => {
    const b = eventBuilder(6);
    const turnId = b.newTurnId();
    const [question, answer, later, laterAnswer] = [
      b.newMessageId(),
      b.newMessageId(),
      b.newMessageId(),
      b.newMessageId(),
    ];
    const events = [
      b.messageOpen(question, { role: 'user', turnId }),
      b.messageOpen(answer, { role: 'assistant', turnId }),
      // An edit of the question, answered: a second branch from the start.
      b.messageOpen(later, { role: 'user', turnId: b.newTurnId(), replaces: question }),
      b.messageOpen(laterAnswer, { role: 'assistant', turnId: b.newTurnId() }),
      b.other('branch_selected', { messageId: answer }),
    ];
    const folded = snapshot(reduceAll(createConversationState(b.conversationId), events));
    // Every message ended: only the leaf holds the page back.
    const full = {
      ...folded,
      messages: folded.messages.map((message) => ({ ...message, status: 'complete' as const })),
    };
    expect(full.leafId).toBe(answer);
    const latest = latestPage(full, 1);
    expect(latest.messages.map((message) => message.id)).toEqual([answer, later, laterAnswer]);
    expect(currentPath(fromSnapshot(latest)).map((message) => message.id)).toEqual([answer]);
  });

  describe('place an alternative opened after the page where the whole conversation does', () => {
    /** Two answered questions, every message ended; the page holds the latest `limit`. */
    function answeredTwice(seed: number) {
      const b = eventBuilder(seed);
      const [q1, a1, q2, a2] = [b.newMessageId(), b.newMessageId(), b.newMessageId(), b.newMessageId()];
      const [t1, t2] = [b.newTurnId(), b.newTurnId()];
      const events = [
        b.messageOpen(q1, { role: 'user', turnId: t1 }),
        b.messageOpen(a1, { role: 'assistant', turnId: t1 }),
        b.messageOpen(q2, { role: 'user', turnId: t2 }),
        b.messageOpen(a2, { role: 'assistant', turnId: t2 }),
      ];
      const folded = snapshot(reduceAll(createConversationState(b.conversationId), events));
      const full = {
        ...folded,
        messages: folded.messages.map((message) => ({ ...message, status: 'complete' as const })),
      };
      return { b, full, ids: { q1, a1, q2, a2 } };
    }

    function expectPlacedAsWhole(full: ConversationSnapshot, limit: number, after: IncomingEvent[]) {
      const live = reduceAll(fromSnapshot(latestPage(full, limit)), after);
      const whole = reduceAll(fromSnapshot(full), after);
      expect(live.resync).toBeUndefined();
      const newest = live.messages.at(-1)?.id as MessageId;
      expect(parentOf(live, newest)).toBe(parentOf(whole, newest));
      expect(currentPath(live).map((message) => message.id)).toEqual(
        currentPath(whole)
          .map((message) => message.id)
          .filter((id) => live.messages.some((message) => message.id === id)),
      );
    }

    it("an edit of the page's first message goes beside it, under the message the page left out", () => {
      const { b, full, ids } = answeredTwice(11);
      const edit = b.newMessageId();
      const after = [b.messageOpen(edit, { role: 'user', turnId: b.newTurnId(), replaces: ids.q2 })];
      expectPlacedAsWhole(full, 2, after);
      expect(parentOf(fromSnapshot(latestPage(full, 2)), ids.q2)).toBe(ids.a1);
    });

    it('an edit of a message older than the page goes under the parent its event names', () => {
      const { b, full, ids } = answeredTwice(12);
      const edit = b.newMessageId();
      const turnId = b.newTurnId();
      const after = [b.messageOpen(edit, { role: 'user', turnId, replaces: ids.q2, parentId: ids.a1 })];
      expectPlacedAsWhole(full, 1, after);
      const first = answeredTwice(14);
      expectPlacedAsWhole(first.full, 1, [
        first.b.messageOpen(first.b.newMessageId(), {
          role: 'user',
          turnId: first.b.newTurnId(),
          replaces: first.ids.q1,
          parentId: null,
        }),
      ]);
    });

    it('a regenerated answer to a question older than the page goes under that question', () => {
      const { b, full, ids } = answeredTwice(13);
      const again = b.newTurnId();
      const after = [
        b.other('turn_start', { turnId: again, userMessageId: ids.q1 }),
        b.messageOpen(b.newMessageId(), { role: 'assistant', turnId: again, replaces: ids.a1 }),
      ];
      expectPlacedAsWhole(full, 1, after);
    });
  });

  it('refuses a cursor no message has with message_not_found', () => {
    const events = buildConversation(
      [
        {
          userText: 'hi',
          withClientMessageId: false,
          blocks: [],
          status: 'complete',
          approval: 'none',
          queuedDuringPrevious: false,
          queuedAt: 0,
          withUnknownEvent: false,
          withDataPart: false,
        },
      ],
      conversationId,
    );
    const full = snapshot(reduceAll(createConversationState(conversationId), events));
    expect(() => olderPage(full, idsFor(8)(), 10)).toThrow(expect.objectContaining({ code: 'message_not_found' }));
  });
});
