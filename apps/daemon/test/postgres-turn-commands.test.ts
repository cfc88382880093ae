import type { IncomingEvent } from '@once/protocol';
import {
  createPostgresTestSchema,
  expectExactTranscript,
  openEventStream,
  readUntilTurnEnds,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { cancelTurn, createConversation, eventsUrl, getSnapshot, sendMessage } from './daemon-api.ts';
import { postgresDaemonFlags } from './postgres-daemons.ts';

afterEach(stopLeftoverDaemons);

describe('a cancel sent to a daemon that does not run the turn', () => {
  it('reaches the daemon that runs it: the message ends cancelled, once', async () => {
    await using database = await createPostgresTestSchema();
    await using running = await startDaemon({ flags: postgresDaemonFlags(database.url) });
    await using other = await startDaemon({ flags: postgresDaemonFlags(database.url) });
    const conversationId = await createConversation(running.url);
    await using stream = await openEventStream(eventsUrl(other.url, conversationId));
    const { turnId } = await sendMessage(running.url, conversationId, 'Tell me about durable streams.');
    const received: IncomingEvent[] = [];
    while (received.length < 30) {
      const message = await stream.next();
      if (message?.event !== undefined) received.push(message.event);
    }

    expect(await cancelTurn(other.url, conversationId)).toEqual({ cancelled: true, turnId });
    const served = await readUntilTurnEnds(stream, received, () => getSnapshot(other.url, conversationId));

    expectExactTranscript(conversationId, received, served);
    expect(served.messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'cancelled'],
    ]);
    expect(received.filter((event) => event.type === 'message_complete')).toHaveLength(2);
    expect(received.filter((event) => event.type === 'turn_end').map((event) => event.data)).toEqual([
      { turnId, reason: 'cancelled' },
    ]);
    // Nothing runs any more: a second cancel, to either daemon, cancels nothing.
    expect(await cancelTurn(other.url, conversationId)).toEqual({ cancelled: false });
    expect(await cancelTurn(running.url, conversationId)).toEqual({ cancelled: false });
  }, 30_000);
});
