import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../src/create-client.ts';
import { createHttpTransport } from '../src/create-http-transport.ts';
import { createChaosTransport } from './chaos-transport.ts';
import { createConversation, DEMO_FLAGS, expectStoreToEqual, sendDirect, waitUntilQuiet } from './daemon-api.ts';
import { seededRandom } from './seeded-random.ts';

const SEED = 20_261_124;

const scenario = fc.record({
  /** Seeds the faults and the client's jitter. */
  faultSeed: fc.integer(),
  cutChance: fc.constantFrom(0.002, 0.01, 0.03),
  duplicateChance: fc.constantFrom(0, 0.05, 0.25),
  /** Each kill -9 comes after the client has applied this many more events. */
  kills: fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 2 }),
});

afterEach(stopLeftoverDaemons);

describe('chaos: cut sockets, kill -9 and restarts, duplicate deliveries', () => {
  it('the store ends deep-equal to the daemon snapshot', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ faultSeed, cutChance, duplicateChance, kills }) => {
        await using daemon = await startDaemon({ flags: DEMO_FLAGS });
        const conversationId = await createConversation(daemon.url);
        await sendDirect(daemon.url, conversationId, 'Tell me about durable streams.');

        const random = seededRandom(faultSeed);
        const transport = createChaosTransport(createHttpTransport({ baseUrl: daemon.url }), {
          cutChance,
          duplicateChance,
          random,
        });
        const client = createClient({
          transport,
          random,
          backoff: { initialMs: 10, maxMs: 200 },
          sendAttempts: 50,
        });
        const conversation = client.conversation(conversationId);
        try {
          await conversation.send('What time is it? Use a tool.');
          await conversation.send('And once more, briefly.');
          for (const after of kills) {
            const target = conversation.store.getSnapshot().offset + after;
            await vi.waitFor(() => expect(conversation.store.getSnapshot().offset).toBeGreaterThanOrEqual(target), {
              timeout: 20_000,
              interval: 2,
            });
            await daemon.kill('SIGKILL');
            await daemon.restart();
          }
          // One more turn after the last restart, sent while the client may still be reconnecting.
          await conversation.send('Sum it up.');

          const served = await waitUntilQuiet(daemon.url, conversationId);
          await expectStoreToEqual(conversation, served);
          expect(transport.counts.streams).toBeGreaterThan(kills.length);
          expect(served.messages.filter((message) => message.role === 'user')).toHaveLength(4);
        } finally {
          client.close();
          await conversation.closed;
        }
      }),
      { seed: SEED, numRuns: 5, endOnFailure: true },
    );
  }, 120_000);
});
