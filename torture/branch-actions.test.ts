// What a torture user records of its regenerates and switches is what the end checks hold
// the daemon to: an accepted regenerate must have its answer, a refused one may not. So
// each outcome must be what the daemon did, on a real daemon.
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@once/client';
import { leafOf } from '@once/core';
import { createDaemonClient, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type RegenerateRequest, regenerateAnswer } from './regenerate-answer.ts';
import { seededRandom } from './seeded-random.ts';
import { type BranchSwitch, switchBranch } from './switch-branch.ts';
import { untilIdle } from './until-idle.ts';

afterAll(stopLeftoverDaemons);

describe("a torture user's regenerates and branch switches", () => {
  it('records a regenerate accepted once its answer shows, one asked while a turn runs as refused, and a switch that moves every view', async () => {
    // 40 tokens 20 ms apart: a turn runs for most of a second, long enough to ask during it.
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '20', '--demo-tokens', '40'] });
    const api = createDaemonClient(daemon.url);
    const client = createClient({ baseUrl: daemon.url });
    try {
      const conversation = client.conversation(await api.createConversation());
      const random = seededRandom(7);
      const by = Date.now() + 60_000;
      await conversation.send('Tell me about durable streams.');
      expect(await untilIdle(conversation, by)).toBe(true);
      const firstAnswer = conversation.store.getSnapshot().messages[1];

      const regenerates: RegenerateRequest[] = [];
      await regenerateAnswer(conversation, random, regenerates);
      const [accepted] = regenerates;
      expect(accepted).toMatchObject({ messageId: firstAnswer?.id, outcome: 'accepted', resent: 0 });
      const answers = () =>
        conversation.store
          .getSnapshot()
          .messages.filter((message) => message.clientMessageId === accepted?.clientMessageId);
      expect(answers()).toMatchObject([{ role: 'assistant', replaces: firstAnswer?.id }]);

      expect(await untilIdle(conversation, by)).toBe(true);
      // Accepted, so its turn is queued or running for the next 800 ms at least.
      await conversation.send('And exactly-once delivery?');
      await regenerateAnswer(conversation, random, regenerates);
      expect(regenerates[1]?.outcome).toBe('refused');

      expect(await untilIdle(conversation, by)).toBe(true);
      const switches: BranchSwitch[] = [];
      await switchBranch(conversation, random, switches);
      expect(switches).toEqual([{ messageId: firstAnswer?.id, outcome: 'accepted' }]);
      while (leafOf(conversation.store.getSnapshot()) !== firstAnswer?.id && Date.now() < by) await sleep(50);
      expect(leafOf(await api.getSnapshot(conversation.conversationId))).toBe(firstAnswer?.id);
      expect(leafOf(conversation.store.getSnapshot())).toBe(firstAnswer?.id);
      // Only the accepted regenerate made an answer.
      expect(answers()).toHaveLength(1);
    } finally {
      client.close();
    }
  }, 90_000);
});
