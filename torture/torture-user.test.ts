// The stalling consumer is checked against the daemon's snapshot at the end of a run, so its
// view must be read once it has handled everything the stream offered, not mid-pause.
import { createClient } from '@once/client';
import { createDaemonClient, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { caughtUp, settled } from './run-torture.ts';
import type { SeededRandom } from './seeded-random.ts';
import { runUser } from './torture-user.ts';

/** The stalling consumer's longest pause, as torture-user.ts draws it. */
const LONGEST_STALL_MS = 800;

/** The highest round a torture user draws: a round of sending, as torture-user.ts draws it. */
const SENDING_ROUND = 99;

/**
 * Choices that make the stalling consumer pause once, for 5 s, on the first item it is
 * handed, and make the user send one message and stop.
 */
function pauseOnceRandom(): SeededRandom {
  let pauses = 1;
  const random: SeededRandom = {
    int: (min, max) => (max === LONGEST_STALL_MS ? 5000 : max === SENDING_ROUND ? SENDING_ROUND : min),
    chance: (p) => p < 0.1 && pauses-- > 0,
    pick: (items) => items[0] as (typeof items)[number],
    next: () => 0,
    fork: () => random,
  };
  return random;
}

afterAll(stopLeftoverDaemons);

describe('a torture user with a stalling consumer', () => {
  it("reads the consumer's view once it has caught up, not while it pauses", async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '5', '--demo-tokens', '30'] });
    const api = createDaemonClient(daemon.url);
    const client = createClient({ baseUrl: daemon.url });
    try {
      const conversation = client.conversation(await api.createConversation());
      let rounds = 0;
      const user = runUser({
        conversation,
        random: pauseOnceRandom(),
        done: () => rounds++ > 0,
        stallingConsumer: true,
      });
      await user.finished;
      const by = Date.now() + 60_000;
      const { snapshot } = await settled(daemon, conversation.conversationId, by);
      await caughtUp(conversation, snapshot.offset, by);
      expect(snapshot.messages.map((message) => message.status)).toEqual(['complete', 'complete']);
      expect((await user.record.stalledView(by))?.messages).toEqual(snapshot.messages);
    } finally {
      client.close();
    }
  }, 60_000);
});
