import type { ClientMessageId, MessageSnapshot } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { eventBuilder } from '../test/event-builder.ts';
import { createMessageStore } from './message-store.ts';
import { messageKey, selectMessages } from './select-messages.ts';
import { snapshot } from './snapshot.ts';

function twoMessages() {
  const b = eventBuilder();
  const first = b.newMessageId();
  const second = b.newMessageId();
  const store = createMessageStore({ conversationId: b.conversationId });
  store.apply([
    b.messageOpen(first, { role: 'assistant', turnId: b.newTurnId() }),
    b.blockOpen(first, 0, { blockType: 'text' }),
    b.delta(first, 0, { text: 'first' }),
    b.messageOpen(second, { role: 'assistant', turnId: b.newTurnId() }),
    b.blockOpen(second, 0, { blockType: 'text' }),
  ]);
  return { b, first, second, store };
}

describe('MessageStore', () => {
  it('notifies each subscriber once per applied batch, and not at all when nothing changed', () => {
    const { b, second, store } = twoMessages();
    let calls = 0;
    const unsubscribe = store.subscribe(() => {
      calls += 1;
    });
    const events = [b.delta(second, 0, { text: 'a' }), b.delta(second, 0, { text: 'b' })];
    store.apply(events);
    expect(calls).toBe(1);
    store.apply(events);
    store.apply(events[0] as never);
    expect(calls).toBe(1);
    unsubscribe();
    store.apply(b.delta(second, 0, { text: 'c' }));
    expect(calls).toBe(1);
    expect(store.getSnapshot().messages[1]?.blocks[0]).toMatchObject({ text: 'abc' });
  });

  it('keeps the identity of every message a change did not touch', () => {
    const { b, second, store } = twoMessages();
    const before = store.getSnapshot();
    store.apply(b.delta(second, 0, { text: 'more' }));
    const after = store.getSnapshot();
    expect(after).not.toBe(before);
    expect(after.messages[0]).toBe(before.messages[0]);
    expect(after.messages[1]).not.toBe(before.messages[1]);
    expect(after.pendingApprovals).toBe(before.pendingApprovals);
  });

  it('returns the same ordered list until it changes, as useSyncExternalStore needs', () => {
    const { b, second, store } = twoMessages();
    store.addPending({
      clientMessageId: 'c-1' as ClientMessageId,
      text: 'next?',
      createdAt: '2026-11-23T21:00:00.000Z',
    });
    const list = selectMessages(store.getSnapshot());
    expect(selectMessages(store.getSnapshot())).toBe(list);
    store.apply(b.delta(second, 0, { text: 'x' }));
    const changed = selectMessages(store.getSnapshot());
    expect(changed).not.toBe(list);
    expect(changed.map(messageKey)).toEqual([...list.map(messageKey)]);
  });

  it('starts from a server snapshot and continues with the events after it', () => {
    const { b, first, store } = twoMessages();
    const served = JSON.parse(JSON.stringify(snapshot(store.getSnapshot())));
    const fresh = createMessageStore(served);
    const next = b.delta(first, 0, { text: ' and more' });
    fresh.apply(next);
    store.apply(next);
    expect(fresh.getSnapshot()).toEqual(store.getSnapshot());
  });

  it('reset to a snapshot keeps the optimistic messages it does not contain yet', () => {
    const { b, store } = twoMessages();
    const confirmedId = 'c-confirmed' as ClientMessageId;
    const waitingId = 'c-waiting' as ClientMessageId;
    store.addPending({ clientMessageId: confirmedId, text: 'one', createdAt: '2026-11-23T21:00:00.000Z' });
    store.addPending({ clientMessageId: waitingId, text: 'two', createdAt: '2026-11-23T21:00:01.000Z' });

    // The daemon's view: the same stream, without this client's optimistic messages.
    const server = createMessageStore(snapshot(store.getSnapshot()));
    const id = b.newMessageId();
    server.apply(b.messageOpen(id, { role: 'user', turnId: b.newTurnId(), clientMessageId: confirmedId }));
    store.reset(snapshot(server.getSnapshot()));

    const listed = selectMessages(store.getSnapshot());
    expect(listed.map((message) => message.status)).toEqual(['streaming', 'streaming', 'streaming', 'pending']);
    expect((listed[2] as MessageSnapshot).id).toBe(id);
    expect(listed[3]?.clientMessageId).toBe(waitingId);
  });

  it('withdraws a pending message whose send failed', () => {
    const { store } = twoMessages();
    const clientMessageId = 'c-1' as ClientMessageId;
    store.addPending({ clientMessageId, text: 'lost', createdAt: '2026-11-23T21:00:00.000Z' });
    store.removePending(clientMessageId);
    expect(store.getSnapshot().pending).toEqual([]);
  });
});
