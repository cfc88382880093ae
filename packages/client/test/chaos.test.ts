import type { ConversationSnapshot } from '@once/protocol';
import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConversationClient } from '../src/conversation-client.ts';
import { createClient } from '../src/create-client.ts';
import { createHttpTransport } from '../src/create-http-transport.ts';
import type { DomainSubscription } from '../src/domains/create-domain-dispatcher.ts';
import type { MessageDomainState } from '../src/domains/message-domain.ts';
import { createChaosTransport } from './chaos-transport.ts';
import {
  createConversation,
  DEMO_FLAGS,
  expectStoreToEqual,
  sendDirect,
  serverSnapshot,
  waitUntilQuiet,
} from './daemon-api.ts';
import { seededRandom } from './seeded-random.ts';

const SEED = 20_261_124;

const scenario = fc.record({
  /** Seeds the faults, the client's jitter and the consumer's pace. */
  faultSeed: fc.integer(),
  cutChance: fc.constantFrom(0.002, 0.01, 0.03),
  duplicateChance: fc.constantFrom(0, 0.05, 0.25),
  dropChance: fc.constantFrom(0, 0, 0.02),
  /** Each kill -9 comes after the client has applied this many more events. */
  kills: fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 2 }),
  /** The buffer of a message-domain consumer that takes 0–3 ms per item. */
  bufferSize: fc.integer({ min: 1, max: 32 }),
});

/** A message-domain consumer slower than the stream, folding what it is given. */
function slowMessageConsumer(conversation: ConversationClient, bufferSize: number, random: () => number) {
  const domain = conversation.domains.message;
  const seen = { folded: undefined as MessageDomainState | undefined, overflows: 0 };
  const subscription: DomainSubscription = domain.subscribe(
    async (item) => {
      seen.folded = domain.foldItem(seen.folded, item);
      if (item.kind === 'resync' && item.reason === 'overflow') seen.overflows += 1;
      const pause = Math.floor(random() * 4);
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    },
    { bufferSize },
  );
  return { seen, subscription };
}

async function expectConsumerToEqual(
  consumer: ReturnType<typeof slowMessageConsumer>,
  served: ConversationSnapshot,
): Promise<void> {
  await consumer.subscription.settled();
  expect(consumer.seen.folded?.messages).toEqual(served.messages);
}

/**
 * Waits until the client holds `target`, or until the daemon has nothing more to stream
 * and the client holds all of it (a kill drawn past the end of the answers comes then).
 */
async function progressOrQuiet(baseUrl: string, conversation: ConversationClient, target: number): Promise<void> {
  await vi.waitFor(
    async () => {
      const offset = conversation.store.getSnapshot().offset;
      if (offset >= target) return;
      const served = await serverSnapshot(baseUrl, conversation.conversationId);
      const unanswered = served.messages.filter((message) => message.status === 'streaming');
      expect({ activeTurn: served.activeTurn, unanswered, offset }).toEqual({
        activeTurn: undefined,
        unanswered: [],
        offset: served.offset,
      });
    },
    { timeout: 20_000, interval: 5 },
  );
}

afterEach(stopLeftoverDaemons);

describe('chaos: cut sockets, kill -9 and restarts, duplicate and lost deliveries', () => {
  it('the store and a slow domain consumer end deep-equal to the daemon snapshot', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ faultSeed, cutChance, duplicateChance, dropChance, kills, bufferSize }) => {
        await using daemon = await startDaemon({ flags: DEMO_FLAGS });
        const conversationId = await createConversation(daemon.url);
        await sendDirect(daemon.url, conversationId, 'Tell me about durable streams.');

        const random = seededRandom(faultSeed);
        const transport = createChaosTransport(createHttpTransport({ baseUrl: daemon.url }), {
          cutChance,
          duplicateChance,
          dropChance,
          random,
        });
        const client = createClient({
          transport,
          random,
          backoff: { initialMs: 10, maxMs: 200 },
          sendAttempts: 50,
        });
        const conversation = client.conversation(conversationId);
        const consumer = slowMessageConsumer(conversation, bufferSize, seededRandom(faultSeed + 1));
        try {
          await conversation.send('What time is it? Use a tool.');
          await conversation.send('And once more, briefly.');
          for (const after of kills) {
            await progressOrQuiet(daemon.url, conversation, conversation.store.getSnapshot().offset + after);
            await daemon.kill('SIGKILL');
            await daemon.restart();
          }
          // One more turn after the last restart, sent while the client may still be reconnecting.
          await conversation.send('Sum it up.');

          const served = await waitUntilQuiet(daemon.url, conversationId);
          await expectStoreToEqual(conversation, served);
          await expectConsumerToEqual(consumer, served);
          expect(transport.counts.streams).toBeGreaterThan(kills.length);
          expect(served.messages.filter((message) => message.role === 'user')).toHaveLength(4);
        } finally {
          consumer.subscription.unsubscribe();
          client.close();
          await conversation.closed;
        }
      }),
      { seed: SEED, numRuns: 16, endOnFailure: true },
    );
    // 16 daemons, each killed and started again once or twice: about 2 minutes on a quiet
    // 2-core machine, and twice that beside another heavy job.
  }, 480_000);

  it('events lost on the way, the last one of a turn included, are noticed and fetched again', async () => {
    const lossy = fc.record({
      faultSeed: fc.integer(),
      dropChance: fc.constantFrom(0.02, 0.05, 0.15),
      duplicateChance: fc.constantFrom(0, 0.1),
      bufferSize: fc.integer({ min: 1, max: 32 }),
    });
    await fc.assert(
      fc.asyncProperty(lossy, async ({ faultSeed, dropChance, duplicateChance, bufferSize }) => {
        // Heartbeats every 100 ms: a lost last event shows at the next one.
        await using daemon = await startDaemon({ flags: [...DEMO_FLAGS, '--heartbeat-ms', '100'] });
        const conversationId = await createConversation(daemon.url);
        const random = seededRandom(faultSeed);
        const transport = createChaosTransport(createHttpTransport({ baseUrl: daemon.url }), {
          cutChance: 0,
          duplicateChance,
          dropChance,
          // Each turn's last event is lost once: nothing follows it until the next turn.
          dropFirstDelivery: (event) => event.type === 'turn_end',
          random,
        });
        const client = createClient({ transport, random, heartbeatMs: 100, backoff: { initialMs: 5, maxMs: 50 } });
        const conversation = client.conversation(conversationId);
        const consumer = slowMessageConsumer(conversation, bufferSize, seededRandom(faultSeed + 1));
        try {
          await conversation.send('Tell me about durable streams.');
          await conversation.send('Now use a tool, please.');
          const served = await waitUntilQuiet(daemon.url, conversationId);
          await expectStoreToEqual(conversation, served);
          await expectConsumerToEqual(consumer, served);
          expect(transport.counts.drops).toBeGreaterThan(0);
          // Each loss ended a stream: the client resumed after the hole instead of skipping it.
          expect(transport.counts.streams).toBeGreaterThan(1);
        } finally {
          consumer.subscription.unsubscribe();
          client.close();
          await conversation.closed;
        }
      }),
      { seed: SEED, numRuns: 8, endOnFailure: true },
    );
  }, 240_000);
});
