import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingEvent } from '@once/protocol';
import {
  createPostgresTestSchema,
  expectExactTranscript,
  offsetsOf,
  openEventStream,
  range,
  readUntilTurnEnds,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, eventsUrl, getSnapshot, sendMessage } from './daemon-api.ts';
import { postgresDaemonFlags, storedEvents } from './postgres-daemons.ts';

afterEach(stopLeftoverDaemons);

describe('the daemon with --database-url postgres://…', () => {
  it('keeps a turn in PostgreSQL and serves it back over HTTP', async () => {
    await using database = await createPostgresTestSchema();
    await using daemon = await startDaemon({ flags: postgresDaemonFlags(database.url, 1, 20) });
    const conversationId = await createConversation(daemon.url);
    await using stream = await openEventStream(eventsUrl(daemon.url, conversationId));
    await sendMessage(daemon.url, conversationId, 'Tell me about durable streams.');

    const received: IncomingEvent[] = [];
    const served = await readUntilTurnEnds(stream, received, () => getSnapshot(daemon.url, conversationId));
    expectExactTranscript(conversationId, received, served);
    expect(served.messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    // The events are in PostgreSQL, and nothing went to a SQLite file.
    expect(offsetsOf(await storedEvents(database.url, conversationId))).toEqual(range(served.offset));
    expect(existsSync(join(daemon.dataDir, 'once.db'))).toBe(false);
  }, 30_000);

  it('ends a message interrupted and keeps the events gapless after a SIGKILL mid-stream and a restart', async () => {
    await using database = await createPostgresTestSchema();
    await using daemon = await startDaemon({ flags: postgresDaemonFlags(database.url, 5, 200) });
    const conversationId = await createConversation(daemon.url);
    await sendMessage(daemon.url, conversationId, 'Tell me about durable streams.');

    // From offset 12 on the assistant has streamed text (see kill-mid-stream.test.ts).
    const received: IncomingEvent[] = [];
    await using first = await openEventStream(eventsUrl(daemon.url, conversationId));
    while (received.length < 40) {
      const message = await first.next();
      if (message === undefined) throw new Error(`The stream ended after ${received.length} events.`);
      if (message.event !== undefined) received.push(message.event);
    }
    expect((await daemon.kill('SIGKILL')).signal).toBe('SIGKILL');
    await first.close();

    await daemon.restart();
    await using resumed = await openEventStream(eventsUrl(daemon.url, conversationId), {
      lastEventId: String(received.at(-1)?.offset),
    });
    const served = await readUntilTurnEnds(resumed, received, () => getSnapshot(daemon.url, conversationId));
    expectExactTranscript(conversationId, received, served);
    expect(served.messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'interrupted'],
    ]);
    expect(offsetsOf(await storedEvents(database.url, conversationId))).toEqual(range(served.offset));
  }, 30_000);

  // Found by the torture suite: each send held one of the coordination pool's four
  // connections for its lock while it needed another for the lease, so a fourth send at
  // once waited until PostgreSQL ended a lock's transaction (5 s idle), answered 500, and
  // its message could be stored twice when retried.
  it('answers many sends at once to different conversations, each stored once', async () => {
    await using database = await createPostgresTestSchema();
    await using daemon = await startDaemon({ flags: postgresDaemonFlags(database.url, 1, 5) });
    const ids = await Promise.all(Array.from({ length: 8 }, () => createConversation(daemon.url)));
    const sends = await Promise.allSettled(ids.map((id, index) => sendMessage(daemon.url, id, `Message ${index}`)));
    expect(sends.filter((send) => send.status === 'rejected').map((send) => String(send.reason))).toEqual([]);
    for (const id of ids) {
      const snapshot = await getSnapshot(daemon.url, id);
      expect(snapshot.messages.filter((message) => message.role === 'user')).toHaveLength(1);
    }
  }, 60_000);
});

describe('two daemons on one PostgreSQL database', () => {
  it('streams a turn run by one daemon to a client of the other', async () => {
    await using database = await createPostgresTestSchema();
    // Both start before any turn runs: each one's crash recovery finds nothing to end.
    await using running = await startDaemon({ flags: postgresDaemonFlags(database.url, 2, 60) });
    await using watching = await startDaemon({ flags: postgresDaemonFlags(database.url, 2, 60) });
    const conversationId = await createConversation(running.url);
    await using stream = await openEventStream(eventsUrl(watching.url, conversationId));
    await sendMessage(running.url, conversationId, 'Tell me about durable streams.');

    const received: IncomingEvent[] = [];
    const served = await readUntilTurnEnds(stream, received, () => getSnapshot(watching.url, conversationId));
    expectExactTranscript(conversationId, received, served);
    expect(served.messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    // Both daemons serve the same snapshot.
    const { conversation: _running, ...fromRunning } = await getSnapshot(running.url, conversationId);
    const { conversation: _watching, ...fromWatching } = served;
    expect(fromRunning).toEqual(fromWatching);
  }, 30_000);
});
