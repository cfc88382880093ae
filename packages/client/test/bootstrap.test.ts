import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../src/create-client.ts';
import {
  createConversation,
  DEMO_FLAGS,
  expectStoreToEqual,
  sendDirect,
  serverSnapshot,
  waitUntilQuiet,
} from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

describe('a client opening a conversation mid-stream', () => {
  it('starts from the snapshot, follows the rest live, and ends equal to the daemon', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    await sendDirect(daemon.url, conversationId, 'Tell me about durable streams, and use a tool.');
    // Open only once the answer has started streaming, so the snapshot holds part of it.
    const partial = await vi.waitFor(
      async () => {
        const served = await serverSnapshot(daemon.url, conversationId);
        expect(served.messages.some((message) => message.role === 'assistant')).toBe(true);
        return served;
      },
      { timeout: 10_000, interval: 5 },
    );

    const client = createClient({ baseUrl: daemon.url });
    const conversation = client.conversation(conversationId);
    try {
      const offsets: number[] = [];
      conversation.store.subscribe(() => offsets.push(conversation.store.getSnapshot().offset));
      const served = await waitUntilQuiet(daemon.url, conversationId);
      await expectStoreToEqual(conversation, served);
      // It bootstrapped mid-stream: its first state already held part of the answer.
      expect(offsets[0]).toBeGreaterThanOrEqual(partial.offset);
      expect(offsets[0]).toBeLessThan(served.offset);
      expect(conversation.connection.getSnapshot().status).toBe('live');
    } finally {
      client.close();
      await conversation.closed;
    }
  }, 30_000);
});
