import { snapshot } from '@once/core';
import type { ConversationId } from '@once/protocol';
import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../src/create-client.ts';
import { createHttpTransport } from '../src/create-http-transport.ts';
import type { Transport } from '../src/transport.ts';
import { createConversation, DEMO_FLAGS, expectStoreToEqual, sendDirect, waitUntilQuiet } from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

describe('several clients', () => {
  it('two clients on the same conversation end identical to each other and to the daemon', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    const first = createClient({ baseUrl: daemon.url }).conversation(conversationId);
    await first.send('Tell me about durable streams.');
    const second = createClient({ baseUrl: daemon.url }).conversation(conversationId);
    await second.send('Now use a tool, please.');
    try {
      const served = await waitUntilQuiet(daemon.url, conversationId);
      await expectStoreToEqual(first, served);
      await expectStoreToEqual(second, served);
      expect(snapshot(first.store.getSnapshot())).toEqual(snapshot(second.store.getSnapshot()));
    } finally {
      first.close();
      second.close();
      await Promise.all([first.closed, second.closed]);
    }
  }, 30_000);

  it('a client switched to another conversation mid-stream never shows the old conversation in the new one', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const oldId = await createConversation(daemon.url);
    const newId = await createConversation(daemon.url);
    await sendDirect(daemon.url, oldId, 'Tell me about durable streams.');
    await sendDirect(daemon.url, newId, 'And what about exactly-once delivery?');
    // A transport that also feeds the old conversation's events into every stream, as a
    // confused proxy or a shared socket might: the new conversation must ignore them.
    const base = createHttpTransport({ baseUrl: daemon.url });
    const crossed: Transport = {
      ...base,
      async *events(stream, afterOffset, signal) {
        const foreign = base.events({ stream: 'conversation', conversationId: oldId }, afterOffset, signal);
        const iterator = foreign[Symbol.asyncIterator]();
        for await (const item of base.events(stream, afterOffset, signal)) {
          const next = await Promise.race([iterator.next(), Promise.resolve(undefined)]);
          if (next !== undefined && next.done !== true) yield next.value;
          yield item;
        }
      },
    };
    const client = createClient({ transport: crossed });
    const old = client.conversation(oldId);
    await vi.waitFor(() => expect(old.store.getSnapshot().messages.length).toBeGreaterThan(1), { timeout: 10_000 });

    old.close();
    const current = client.conversation(newId);
    const seen = new Set<ConversationId>();
    current.store.subscribe(() => {
      for (const message of current.store.getSnapshot().messages) seen.add(message.conversationId);
    });
    try {
      const served = await waitUntilQuiet(daemon.url, newId);
      await expectStoreToEqual(current, served);
      expect([...seen]).toEqual([newId]);
      expect(snapshot(current.store.getSnapshot()).messages.every((message) => message.conversationId === newId)).toBe(
        true,
      );
    } finally {
      client.close();
      await Promise.all([old.closed, current.closed]);
    }
  }, 30_000);
});
