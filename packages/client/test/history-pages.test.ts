import { createMessageStore, snapshot } from '@once/core';
import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../src/create-client.ts';
import { createHttpTransport } from '../src/create-http-transport.ts';
import { createHistoryPages } from '../src/older-messages.ts';
import { createConversation, DEMO_FLAGS, expectStoreToEqual, sendDirect, waitUntilQuiet } from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

describe('a conversation opened with pages', () => {
  it('starts from the latest messages, loads older ones on demand while a turn streams, and ends equal to the daemon', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    for (let turn = 1; turn <= 4; turn += 1) await sendDirect(daemon.url, conversationId, `Question ${turn}`);
    const before = await waitUntilQuiet(daemon.url, conversationId);
    expect(before.messages).toHaveLength(8);

    const client = createClient({ baseUrl: daemon.url });
    const conversation = client.conversation(conversationId, { pageSize: 3 });
    try {
      await vi.waitFor(() => expect(conversation.connection.getSnapshot().status).toBe('live'));
      const ids = () => conversation.store.getSnapshot().messages.map((message) => message.id);
      expect(ids()).toEqual(before.messages.slice(-3).map((message) => message.id));
      expect(conversation.olderMessages.getSnapshot()).toEqual({ hasOlder: true, count: 5, loading: false });
      const messageDomain = conversation.domains.message;

      // A turn streams while older pages arrive: neither disturbs the other.
      await sendDirect(daemon.url, conversationId, 'One more, please');
      await vi.waitFor(() => expect(conversation.store.getSnapshot().activeTurn).toBeDefined());
      const loading = conversation.olderMessages.loadOlder();
      expect(conversation.olderMessages.getSnapshot().loading).toBe(true);
      // A second call while one loads does nothing.
      await conversation.olderMessages.loadOlder();
      await loading;
      expect(conversation.olderMessages.getSnapshot()).toEqual({ hasOlder: true, count: 2, loading: false });
      expect(ids().slice(0, 6)).toEqual(before.messages.slice(-6).map((message) => message.id));
      expect(messageDomain.current().state.messages).toEqual(conversation.store.getSnapshot().messages);
      await conversation.olderMessages.loadOlder();
      expect(conversation.olderMessages.getSnapshot()).toEqual({ hasOlder: false, count: 0, loading: false });
      await conversation.olderMessages.loadOlder();

      const served = await waitUntilQuiet(daemon.url, conversationId);
      await expectStoreToEqual(conversation, served);
      expect(new Set(ids()).size).toBe(10);
    } finally {
      client.close();
      await conversation.closed;
    }
  }, 30_000);

  it('keeps the older messages it loaded, and its cursor, when it refetches its start (after a gap or a reset)', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    for (let turn = 1; turn <= 3; turn += 1) await sendDirect(daemon.url, conversationId, `Question ${turn}`);
    const served = await waitUntilQuiet(daemon.url, conversationId);

    const store = createMessageStore({ conversationId });
    let changes = 0;
    const pages = createHistoryPages({
      transport: createHttpTransport({ baseUrl: daemon.url }),
      store,
      pageSize: 2,
      changed: () => {
        changes += 1;
      },
    });
    const signal = new AbortController().signal;
    const ids = () => store.getSnapshot().messages.map((message) => message.id);
    store.reset(await pages.fetchStart(signal));
    expect(ids()).toEqual(served.messages.slice(-2).map((message) => message.id));
    await pages.loadOlder();
    expect(changes).toBe(1);
    expect(pages.getSnapshot()).toEqual({ hasOlder: true, count: 2, loading: false });
    // The refetch brings the latest page again; the two older messages stay before it.
    store.reset(await pages.fetchStart(signal));
    expect(ids()).toEqual(served.messages.slice(-4).map((message) => message.id));
    expect(pages.getSnapshot()).toEqual({ hasOlder: true, count: 2, loading: false });
    await pages.loadOlder();
    expect(pages.getSnapshot().hasOlder).toBe(false);
    expect(snapshot(store.getSnapshot())).toEqual(served);
  }, 30_000);

  it('says why a page failed to load, and loads it on the next try', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    await sendDirect(daemon.url, conversationId, 'Question');
    const served = await waitUntilQuiet(daemon.url, conversationId);
    let failNext = true;
    const transport = createHttpTransport({
      baseUrl: daemon.url,
      fetch: (input, init) => {
        if (failNext && String(input).includes('/messages?')) {
          failNext = false;
          return Promise.reject(new TypeError('network down'));
        }
        return fetch(input, init);
      },
    });
    const store = createMessageStore({ conversationId });
    const pages = createHistoryPages({ transport, store, pageSize: 1, changed: () => {} });
    store.reset(await pages.fetchStart(new AbortController().signal));
    await pages.loadOlder();
    expect(pages.getSnapshot()).toMatchObject({ hasOlder: true, count: 1, loading: false, error: expect.anything() });
    await pages.loadOlder();
    expect(pages.getSnapshot()).toEqual({ hasOlder: false, count: 0, loading: false });
    expect(snapshot(store.getSnapshot())).toEqual(served);
  }, 30_000);
});
