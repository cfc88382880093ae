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
import { createConversation, eventsUrl, getSnapshot, sendMessage } from './daemon-api.ts';
import { postgresDaemonFlags, TEST_LEASE_MS } from './postgres-daemons.ts';

afterEach(stopLeftoverDaemons);

describe('a daemon stopped with SIGTERM while a message waits behind its running turn', () => {
  it('leaves the waiting message to a live daemon, which answers it once', async () => {
    await using database = await createPostgresTestSchema();
    await using stopping = await startDaemon({ flags: postgresDaemonFlags(database.url) });
    await using staying = await startDaemon({ flags: postgresDaemonFlags(database.url) });
    const conversationId = await createConversation(stopping.url);
    await using stream = await openEventStream(eventsUrl(staying.url, conversationId));
    const first = await sendMessage(stopping.url, conversationId, 'Tell me about durable streams.');
    const second = await sendMessage(stopping.url, conversationId, 'And about exactly-once delivery?');
    const received: IncomingEvent[] = [];
    while (received.length < 30) {
      const message = await stream.next();
      if (message?.event !== undefined) received.push(message.event);
    }

    expect((await stopping.kill('SIGTERM')).code).toBe(0);
    const stoppedAt = Date.now();
    const served = await readUntilTurnEnds(stream, received, () => getSnapshot(staying.url, conversationId), 2);
    // The lease lapses within TEST_LEASE_MS of the stop; the staying daemon sweeps every half lease.
    expect(Date.now() - stoppedAt).toBeLessThan(TEST_LEASE_MS + 5_000);

    expectExactTranscript(conversationId, received, served);
    expect(served.messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'interrupted'],
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(received.filter((event) => event.type === 'turn_end').map((event) => event.data)).toEqual([
      { turnId: first.turnId, reason: 'interrupted' },
      { turnId: second.turnId, reason: 'complete' },
    ]);
  }, 30_000);
});
