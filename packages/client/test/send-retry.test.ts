import { OnceError } from '@once/protocol';
import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../src/create-client.ts';
import { createHttpTransport } from '../src/create-http-transport.ts';
import type { Transport } from '../src/transport.ts';
import { createConversation, DEMO_FLAGS, expectStoreToEqual, waitUntilQuiet } from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

/** Delivers the first `lost` sends to the daemon but loses their answers, as a dropped response would. */
function losingAnswers(inner: Transport, lost: number): Transport & { sends: number } {
  const wrapper = {
    ...inner,
    sends: 0,
    async send(...args: Parameters<Transport['send']>) {
      wrapper.sends += 1;
      const result = await inner.send(...args);
      if (wrapper.sends <= lost) throw new OnceError('unavailable', 'The answer was lost on the way back.');
      return result;
    },
  };
  return wrapper;
}

describe('an optimistic send', () => {
  it('retried three times produces one user message, shown pending until the daemon confirms it', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    const transport = losingAnswers(createHttpTransport({ baseUrl: daemon.url }), 2);
    const client = createClient({ transport, backoff: { initialMs: 5, maxMs: 20 } });
    const conversation = client.conversation(conversationId);
    try {
      const sending = conversation.send('Hello there', { clientMessageId: 'hello-1' });
      expect(conversation.store.getSnapshot().pending.map((message) => message.clientMessageId)).toEqual(['hello-1']);
      const first = await sending;
      // The user, impatient, sends it again by hand: same id, same message.
      const again = await conversation.send('Hello there', { clientMessageId: 'hello-1' });
      expect(transport.sends).toBe(4);
      expect(again).toEqual(first);

      const served = await waitUntilQuiet(daemon.url, conversationId);
      const users = served.messages.filter((message) => message.role === 'user');
      expect(users.map((message) => [message.id, message.clientMessageId])).toEqual([[first.userMessageId, 'hello-1']]);
      await expectStoreToEqual(conversation, served);
    } finally {
      client.close();
      await conversation.closed;
    }
  }, 30_000);

  it('is withdrawn when the daemon refuses it for good', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    const client = createClient({ baseUrl: daemon.url });
    const conversation = client.conversation(conversationId);
    try {
      const tooLong = 'x'.repeat(100_001);
      await expect(conversation.send(tooLong, { clientMessageId: 'too-long' })).rejects.toMatchObject({
        code: 'invalid_request',
      });
      expect(conversation.store.getSnapshot().pending).toEqual([]);
    } finally {
      client.close();
      await conversation.closed;
    }
  }, 30_000);
});
