// The conversation snapshot keeps the app events a tool writes (decision 014): after the
// turn, equal to the fold of the events the stream serves, and the same after a restart.
import { join } from 'node:path';
import { type IncomingEvent, parseIncomingEvent } from '@once/protocol';
import { foldEvents, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, getSnapshot, sendMessage } from './daemon-api.ts';

const CONFIG = join(import.meta.dirname, 'configs', 'app-event-tool.config.ts');
const TEST_MS = 120_000;

afterEach(stopLeftoverDaemons);

/** Every event of the conversation, read as JSON pages from the start. */
async function allEvents(baseUrl: string, conversationId: string): Promise<IncomingEvent[]> {
  const events: IncomingEvent[] = [];
  for (;;) {
    const response = await fetch(`${baseUrl}/v1/conversations/${conversationId}/events?after=${events.length}`);
    const page = (await response.json()) as { events: unknown[]; upToDate: boolean };
    events.push(...page.events.map(parseIncomingEvent));
    if (page.upToDate) return events;
  }
}

describe('app events in the conversation snapshot', () => {
  it(
    'holds a tool’s app event after the turn, as the fold of the stream does, and again after a restart',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CONFIG, '--demo-delay-ms', '1'] });
      const conversationId = await createConversation(daemon.url);
      await sendMessage(daemon.url, conversationId, 'Please deploy {"service": "api"}');
      // The turn has ended: the answer is complete and no turn runs.
      const turnEnded = async () => {
        const { messages, activeTurn } = await getSnapshot(daemon.url, conversationId);
        const last = messages.at(-1);
        return last?.role === 'assistant' && last.status === 'complete' && activeTurn === undefined;
      };
      await expect.poll(turnEnded, { timeout: 60_000 }).toBe(true);
      const { conversation: _metadata, ...served } = await getSnapshot(daemon.url, conversationId);

      const answer = served.messages.at(-1);
      expect(answer?.role).toBe('assistant');
      expect(served.appEvents).toEqual([
        {
          offset: expect.any(Number),
          type: 'deploy_progress',
          data: { service: 'api', percent: 40 },
          afterMessageId: answer?.id,
        },
      ]);
      // History equals stream: the snapshot is the fold of the events the daemon serves.
      expect(served).toEqual(foldEvents(conversationId, await allEvents(daemon.url, conversationId)));

      await daemon.kill('SIGTERM');
      await daemon.restart();
      const { conversation: _again, ...afterRestart } = await getSnapshot(daemon.url, conversationId);
      expect(afterRestart).toEqual(served);
    },
    TEST_MS,
  );
});
