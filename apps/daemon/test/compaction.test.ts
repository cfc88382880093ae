// --compact-after in a real daemon: the deltas of completed messages leave the log, the
// snapshot and the fold of what the stream serves stay equal, and so after a SIGKILL.
import { type IncomingEvent, parseIncomingEvent } from '@once/protocol';
import { foldEvents, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, getSnapshot, sendMessage } from './daemon-api.ts';

const TEST_MS = 120_000;

afterEach(stopLeftoverDaemons);

/** Every event the daemon serves for the conversation, as JSON pages from the start. */
async function servedEvents(baseUrl: string, conversationId: string): Promise<IncomingEvent[]> {
  const events: IncomingEvent[] = [];
  for (;;) {
    const after = events.at(-1)?.offset ?? 0;
    const response = await fetch(`${baseUrl}/v1/conversations/${conversationId}/events?after=${after}`);
    const page = (await response.json()) as { events: unknown[]; upToDate: boolean };
    events.push(...page.events.map(parseIncomingEvent));
    if (page.upToDate) return events;
  }
}

describe('--compact-after', () => {
  it(
    'removes the deltas of completed messages; the snapshot still equals the fold of the stream, after a SIGKILL too',
    async () => {
      await using daemon = await startDaemon({ flags: ['--compact-after', '200ms', '--demo-delay-ms', '1'] });
      const conversationId = await createConversation(daemon.url);
      await sendMessage(daemon.url, conversationId, 'Hello there');
      const turnEnded = async () => {
        const { messages, activeTurn } = await getSnapshot(daemon.url, conversationId);
        return messages.at(-1)?.status === 'complete' && messages.length === 2 && activeTurn === undefined;
      };
      await expect.poll(turnEnded, { timeout: 60_000 }).toBe(true);
      const { conversation: _metadata, ...served } = await getSnapshot(daemon.url, conversationId);

      // Both messages are older than 200 ms soon: a pass removes their block events.
      const compacted = async () =>
        (await servedEvents(daemon.url, conversationId)).every((event) => !event.type.startsWith('block_'));
      await expect.poll(compacted, { timeout: 60_000, interval: 100 }).toBe(true);
      const events = await servedEvents(daemon.url, conversationId);
      expect(events.length).toBeLessThan(served.offset);
      expect(events.at(-1)?.offset).toBe(served.offset);
      expect(foldEvents(conversationId, events)).toEqual(served);

      await daemon.kill('SIGKILL');
      await daemon.restart();
      const { conversation: _again, ...afterRestart } = await getSnapshot(daemon.url, conversationId);
      expect(afterRestart).toEqual(served);
      expect(foldEvents(conversationId, await servedEvents(daemon.url, conversationId))).toEqual(served);
    },
    TEST_MS,
  );
});
