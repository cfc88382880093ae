import type { IncomingEvent } from '@once/protocol';
import {
  foldEvents,
  offsetsOf,
  openEventStream,
  range,
  readUntilTurnEnds,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, eventsUrl, getSnapshot, sendMessage } from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

describe('two conversations streaming at once', () => {
  it('each subscriber gets only its own conversation’s events, and each folds to its own snapshot', async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '2', '--demo-tokens', '150'] });
    const [first, second] = await Promise.all([createConversation(daemon.url), createConversation(daemon.url)]);
    await using firstStream = await openEventStream(eventsUrl(daemon.url, first));
    await using secondStream = await openEventStream(eventsUrl(daemon.url, second));
    // Both turns run at the same time: their events interleave in the one log.
    await Promise.all([
      sendMessage(daemon.url, first, 'Tell me about the first conversation.'),
      sendMessage(daemon.url, second, 'Use a tool and tell me about the second one.'),
    ]);

    const read = async (conversationId: string, stream: typeof firstStream) => {
      const received: IncomingEvent[] = [];
      const served = await readUntilTurnEnds(stream, received, () => getSnapshot(daemon.url, conversationId));
      return { received, served };
    };
    const results = await Promise.all([read(first, firstStream), read(second, secondStream)]);

    for (const [conversationId, { received, served }] of [
      [first, results[0]],
      [second, results[1]],
    ] as const) {
      expect(new Set(received.map((event) => 'conversationId' in event && event.conversationId))).toEqual(
        new Set([conversationId]),
      );
      expect(offsetsOf(received)).toEqual(range(served.offset));
      const { conversation, ...snapshot } = served;
      expect(conversation.id).toBe(conversationId);
      expect(foldEvents(conversationId, received)).toEqual(snapshot);
      expect(served.messages.map((message) => [message.role, message.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'complete'],
      ]);
    }
    // The answers are each conversation's own: the second one ran the clock tool, the first did not.
    const blockTypes = results.map(({ served }) => served.messages[1]?.blocks.map((block) => block.type));
    expect(blockTypes[0]).not.toContain('tool_use');
    expect(blockTypes[1]).toContain('tool_use');
  }, 30_000);
});
