import { createMessageStore, currentPath, reduceAll, snapshot } from '@once/core';
import type { ConversationId, IncomingEvent } from '@once/protocol';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildConversation, conversationArbitrary, idsFor } from '../../../core/test/conversation-script.ts';
import { createConversationDomains } from './conversation-domains.ts';
import type { DomainDispatcher } from './create-domain-dispatcher.ts';
import type { DomainItem } from './domain-item.ts';
import type { MessageDomainState } from './message-domain.ts';

const conversationId = idsFor(0)() as ConversationId;

/** One way the world can go: the stream, how slow the consumer is, and when the store is refetched. */
const scenario = fc.record({
  events: conversationArbitrary.map((turns) => buildConversation(turns, conversationId)),
  bufferSize: fc.integer({ min: 1, max: 12 }),
  /** Milliseconds each item keeps the consumer busy, drawn in turn (0: a synchronous consumer). */
  handleMs: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }),
  /** Milliseconds that pass after each event is applied, drawn in turn. */
  arrivalMs: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 8 }),
  /** Offsets after which the store is put onto a fresh snapshot of itself, as after a gap. */
  refetchAfter: fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 2 }),
});

/** Subscribes to `domain` with a consumer that takes `handleMs` per item and folds what it gets. */
function slowConsumer<State, Event>(domain: DomainDispatcher<State, Event>, bufferSize: number, handleMs: number[]) {
  const seen = { state: undefined as State | undefined, items: [] as DomainItem<State, Event>[] };
  let turn = 0;
  const subscription = domain.subscribe(
    async (item) => {
      seen.items.push(item);
      seen.state = domain.foldItem(seen.state, item);
      const delay = handleMs[turn++ % handleMs.length] ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    },
    { bufferSize },
  );
  return { seen, subscription };
}

function counts<State, Event>(items: readonly DomainItem<State, Event>[]) {
  const resyncs = items.filter((item) => item.kind === 'resync');
  return {
    delivered: items.filter((item) => item.kind === 'event').length,
    replaced: resyncs.reduce((sum, item) => sum + item.replaced, 0),
    reasons: new Set(resyncs.map((item) => item.reason)),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('conversation domains (properties, fake timers)', () => {
  it('for any stream, consumer speed and buffer size, each consumer folds exactly the store, and every event is delivered or counted', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ events, bufferSize, handleMs, arrivalMs, refetchAfter }) => {
        const store = createMessageStore({ conversationId });
        const hub = createConversationDomains(store);
        const consumers = {
          message: slowConsumer(hub.domains.message, bufferSize, handleMs),
          turn: slowConsumer(hub.domains.turn, bufferSize, handleMs),
          approval: slowConsumer(hub.domains.approval, bufferSize, handleMs),
          usage: slowConsumer(hub.domains.usage, bufferSize, handleMs),
        };
        const offered = { message: 0, turn: 0, approval: 0, usage: 0 };
        let refetches = 0;
        for (const [index, event] of events.entries()) {
          store.apply(event);
          expect(store.getSnapshot().offset).toBe(event.offset);
          hub.accepted(event);
          for (const name of Object.keys(offered) as (keyof typeof offered)[]) {
            if (claims(name, event)) offered[name] += 1;
          }
          if (refetchAfter.includes(event.offset)) {
            // What a refetch does: the store is put onto the server's snapshot at its offset.
            store.reset(snapshot(reduceAll(store.getSnapshot(), [])));
            hub.restarted();
            refetches += 1;
          }
          await vi.advanceTimersByTimeAsync(arrivalMs[index % arrivalMs.length] ?? 0);
        }
        await vi.runAllTimersAsync();
        for (const { subscription } of Object.values(consumers)) await subscription.settled();

        const state = store.getSnapshot();
        expect(consumers.message.seen.state).toEqual(hub.domains.message.current().state);
        // The domain's messages and path are the store's, switches and edits included.
        expect(currentPath(consumers.message.seen.state ?? { messages: [] })).toEqual(currentPath(state));
        expect(consumers.turn.seen.state).toEqual(hub.domains.turn.current().state);
        expect(consumers.approval.seen.state).toEqual(hub.domains.approval.current().state);
        expect(consumers.usage.seen.state).toEqual(hub.domains.usage.current().state);
        for (const name of Object.keys(offered) as (keyof typeof offered)[]) {
          const { seen } = consumers[name];
          const { delivered, replaced, reasons } = counts(seen.items as readonly DomainItem<unknown, unknown>[]);
          // Nothing silently dropped: each event came on its own or a resync stood for it.
          expect(delivered + replaced).toBe(offered[name]);
          expect(seen.items[0]).toMatchObject({ kind: 'resync', reason: 'subscribed' });
          // Events replaced with no refetch to explain them were an overflow, and said so.
          if (refetches === 0 && replaced > (seen.items[0]?.kind === 'resync' ? seen.items[0].replaced : 0)) {
            expect(reasons.has('overflow')).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a consumer that keeps up gets every event one by one and no resync after its first', async () => {
    const events = buildConversation(
      fc.sample(conversationArbitrary, { numRuns: 1, seed: 7 })[0] ?? [],
      conversationId,
    );
    const store = createMessageStore({ conversationId });
    const hub = createConversationDomains(store);
    const { seen, subscription } = slowConsumer(hub.domains.message, events.length + 1, [5]);
    await vi.advanceTimersByTimeAsync(0);
    for (const event of events) {
      store.apply(event);
      hub.accepted(event);
    }
    await vi.runAllTimersAsync();
    await subscription.settled();
    expect(seen.items.filter((item) => item.kind === 'resync')).toHaveLength(1);
    expect(seen.state?.messages).toEqual(store.getSnapshot().messages);
  });

  it('a consumer that subscribes after events went by with nobody subscribed starts from a state that holds them, and gets none of them again', async () => {
    await fc.assert(
      fc.asyncProperty(conversationArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), async (turns, share) => {
        const events = buildConversation(turns, conversationId);
        const store = createMessageStore({ conversationId });
        const hub = createConversationDomains(store);
        const before = Math.floor(events.length * share);
        for (const event of events.slice(0, before)) {
          store.apply(event);
          hub.accepted(event);
        }
        const { seen, subscription } = slowConsumer(hub.domains.message, events.length + 1, [0]);
        await vi.advanceTimersByTimeAsync(0);
        for (const event of events.slice(before)) {
          store.apply(event);
          hub.accepted(event);
        }
        await vi.runAllTimersAsync();
        await subscription.settled();
        expect(seen.items[0]).toMatchObject({ kind: 'resync', reason: 'subscribed', offset: before });
        expect(seen.items.slice(1).every((item) => item.kind === 'event' && item.event.offset > before)).toBe(true);
        expect(seen.state?.messages).toEqual(store.getSnapshot().messages);
      }),
      { numRuns: 50 },
    );
  });

  it('a consumer stuck behind a buffer of 8 gets one overflow resync that says how many events it replaced', async () => {
    const events = buildConversation(
      fc.sample(
        conversationArbitrary.filter((turns) => turns.length >= 3),
        { numRuns: 1, seed: 3 },
      )[0] ?? [],
      conversationId,
    );
    const store = createMessageStore({ conversationId });
    const hub = createConversationDomains(store);
    let release: () => void = () => {};
    const items: DomainItem<unknown, IncomingEvent>[] = [];
    let state: unknown;
    const subscription = hub.domains.message.subscribe(
      async (item) => {
        items.push(item as DomainItem<unknown, IncomingEvent>);
        state = hub.domains.message.foldItem(state as never, item);
        // The consumer blocks on its second item until the whole stream has arrived.
        if (items.length === 2) await new Promise<void>((resolve) => (release = resolve));
      },
      { bufferSize: 8 },
    );
    await vi.advanceTimersByTimeAsync(0);
    const messageEvents = events.filter((event) => claims('message', event));
    for (const event of events) {
      store.apply(event);
      hub.accepted(event);
      await vi.advanceTimersByTimeAsync(0);
    }
    release();
    await subscription.settled();
    const overflow = items.find((item) => item.kind === 'resync' && item.reason === 'overflow');
    expect(overflow).toMatchObject({ kind: 'resync', reason: 'overflow' });
    const delivered = items.filter((item) => item.kind === 'event').length;
    expect(delivered + (overflow?.kind === 'resync' ? overflow.replaced : 0)).toBe(messageEvents.length);
    expect((state as MessageDomainState | undefined)?.messages).toEqual(store.getSnapshot().messages);
  });
});

function claims(name: 'message' | 'turn' | 'approval' | 'usage', event: IncomingEvent): boolean {
  switch (name) {
    case 'message':
      return [
        'message_open',
        'block_open',
        'block_delta',
        'block_close',
        'message_complete',
        'branch_selected',
      ].includes(event.type);
    case 'turn':
      return ['turn_start', 'turn_end', 'activity'].includes(event.type);
    case 'approval':
      return ['approval_request', 'approval_resolved', 'turn_start', 'turn_end'].includes(event.type);
    case 'usage':
      return event.type === 'usage' || event.type === 'message_complete';
  }
}
