import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingEvent, MessageSnapshot } from '@once/protocol';
import {
  createPostgresTestSchema,
  expectExactTranscript,
  foldEvents,
  offsetsOf,
  openEventStream,
  range,
  readUntilTurnEnds,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, eventsUrl, getSnapshot, type SnapshotResponse, sendMessage } from './daemon-api.ts';
import { postgresDaemonFlags, storedEvents, TEST_LEASE_MS } from './postgres-daemons.ts';

afterEach(stopLeftoverDaemons);

function completesOf(events: readonly IncomingEvent[], message: MessageSnapshot): IncomingEvent[] {
  return events.filter((event) => event.type === 'message_complete' && event.messageId === message.id);
}

/** The fields of a `turn_start` or `turn_end` event. */
function turnOf(event: IncomingEvent): { readonly turnId: string; readonly userMessageId?: string } {
  return event.data as { turnId: string; userMessageId?: string };
}

function statuses(snapshot: SnapshotResponse): string[][] {
  return snapshot.messages.map((message) => [message.role, message.status]);
}

/** Polls the snapshot until `done` holds, for at most `timeoutMs`. */
async function waitForSnapshot(
  baseUrl: string,
  conversationId: string,
  done: (snapshot: SnapshotResponse) => boolean,
  timeoutMs: number,
): Promise<SnapshotResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snapshot = await getSnapshot(baseUrl, conversationId);
    if (done(snapshot)) return snapshot;
    if (Date.now() > deadline) throw new Error(`Timed out; last snapshot: ${JSON.stringify(statuses(snapshot))}`);
    await sleep(50);
  }
}

describe('several daemons running turns on one PostgreSQL database', () => {
  it('leaves a turn alone when another daemon starts while it streams: it completes, once', async () => {
    await using database = await createPostgresTestSchema();
    // 3,000 tokens 5 ms apart: the answer streams for about fifteen seconds, longer than a
    // second daemon takes to start on a busy CI machine (three seconds were not).
    await using running = await startDaemon({ flags: postgresDaemonFlags(database.url, 5, 3000) });
    const conversationId = await createConversation(running.url);
    await using stream = await openEventStream(eventsUrl(running.url, conversationId));
    await sendMessage(running.url, conversationId, 'Tell me about durable streams.');
    const received: IncomingEvent[] = [];
    while (received.length < 20) {
      const message = await stream.next();
      if (message?.event !== undefined) received.push(message.event);
    }

    await using starting = await startDaemon({ flags: postgresDaemonFlags(database.url, 5, 3000) });
    // The second daemon finished its start-up recovery while the turn still ran.
    expect((await getSnapshot(starting.url, conversationId)).activeTurn).toBeDefined();
    const served = await readUntilTurnEnds(stream, received, () => getSnapshot(running.url, conversationId));

    expect(offsetsOf(received)).toEqual(range(served.offset));
    expect(statuses(served)).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    for (const message of served.messages) expect(completesOf(received, message)).toHaveLength(1);
    expect(received.filter((event) => event.type === 'turn_end').map((event) => event.data)).toMatchObject([
      { reason: 'complete' },
    ]);
    // Past a lease's length, nothing more was written: the second daemon took nothing over.
    await sleep(TEST_LEASE_MS * 2);
    expect(await storedEvents(database.url, conversationId)).toEqual(received);
    const { conversation: _, ...snapshot } = served;
    const { conversation: __, ...fromStarting } = await getSnapshot(starting.url, conversationId);
    expect(fromStarting).toEqual(snapshot);
  }, 120_000);

  it('ends a SIGKILLed daemon’s turn interrupted from a live daemon, once, within the lease', async () => {
    await using database = await createPostgresTestSchema();
    await using doomed = await startDaemon({ flags: postgresDaemonFlags(database.url, 5, 600) });
    await using survivor = await startDaemon({ flags: postgresDaemonFlags(database.url, 5, 600) });
    const conversationId = await createConversation(doomed.url);
    await using stream = await openEventStream(eventsUrl(survivor.url, conversationId));
    const { turnId } = await sendMessage(doomed.url, conversationId, 'Tell me about durable streams.');
    const received: IncomingEvent[] = [];
    while (received.length < 40) {
      const message = await stream.next();
      if (message?.event !== undefined) received.push(message.event);
    }

    expect((await doomed.kill('SIGKILL')).signal).toBe('SIGKILL');
    // The lease lapses after TEST_LEASE_MS and the survivor sweeps every half lease, so the
    // turn ends within about 1.5 leases; how soon is not asserted here (no timing in tests),
    // only that the survivor ends it, once, without a gap.
    const served = await readUntilTurnEnds(stream, received, () => getSnapshot(survivor.url, conversationId));

    expectExactTranscript(conversationId, received, served);
    expect(statuses(served)).toEqual([
      ['user', 'complete'],
      ['assistant', 'interrupted'],
    ]);
    for (const message of served.messages) expect(completesOf(received, message)).toHaveLength(1);
    expect(received.filter((event) => event.type === 'turn_end').map((event) => event.data)).toEqual([
      { turnId, reason: 'interrupted' },
    ]);
    // Exactly once: later sweeps find nothing more to do.
    await sleep(TEST_LEASE_MS * 2);
    expect(await storedEvents(database.url, conversationId)).toEqual(received);
  }, 30_000);

  it('keeps a daemon stalled past its lease from writing into the conversation a live daemon took over', async () => {
    await using database = await createPostgresTestSchema();
    await using stalled = await startDaemon({ flags: postgresDaemonFlags(database.url, 5, 600) });
    await using survivor = await startDaemon({ flags: postgresDaemonFlags(database.url, 5, 600) });
    const conversationId = await createConversation(stalled.url);
    await using stream = await openEventStream(eventsUrl(survivor.url, conversationId));
    const { turnId } = await sendMessage(stalled.url, conversationId, 'Tell me about durable streams.');
    const received: IncomingEvent[] = [];
    while (received.length < 40) {
      const message = await stream.next();
      if (message?.event !== undefined) received.push(message.event);
    }

    // A frozen process (a VM paused, a debugger): it renews nothing while the survivor takes
    // the conversation over and ends its turn; then it wakes up mid-turn, with writes queued.
    process.kill(stalled.pid, 'SIGSTOP');
    let served: SnapshotResponse;
    try {
      served = await readUntilTurnEnds(stream, received, () => getSnapshot(survivor.url, conversationId));
    } finally {
      process.kill(stalled.pid, 'SIGCONT');
    }
    // Long enough for the woken daemon to stream on (5 ms a token) and to renew its lease.
    await sleep(TEST_LEASE_MS * 2);

    const stored = await storedEvents(database.url, conversationId);
    expect(stored).toEqual(received);
    expectExactTranscript(conversationId, received, served);
    expect(statuses(served)).toEqual([
      ['user', 'complete'],
      ['assistant', 'interrupted'],
    ]);
    for (const message of served.messages) expect(completesOf(stored, message)).toHaveLength(1);
    expect(stored.at(-1)).toMatchObject({ type: 'turn_end', data: { turnId, reason: 'interrupted' } });
    // The woken daemon still serves, and sees the conversation as the survivor left it.
    const { conversation: _, ...fromStalled } = await getSnapshot(stalled.url, conversationId);
    const { conversation: __, ...fromSurvivor } = served;
    expect(fromStalled).toEqual(fromSurvivor);
  }, 30_000);

  it('runs one turn at a time when both daemons receive messages for one conversation, and answers each in order', async () => {
    await using database = await createPostgresTestSchema();
    await using first = await startDaemon({ flags: postgresDaemonFlags(database.url, 2, 30) });
    await using second = await startDaemon({ flags: postgresDaemonFlags(database.url, 2, 30) });
    const daemons = [first, second];
    const conversationId = await createConversation(first.url);
    const rounds = 3;
    for (let round = 0; round < rounds; round += 1) {
      await Promise.all(
        daemons.map((daemon, index) => sendMessage(daemon.url, conversationId, `Round ${round}, daemon ${index}.`)),
      );
    }
    const sent = rounds * daemons.length;
    const settled = (snapshot: SnapshotResponse) =>
      snapshot.activeTurn === undefined &&
      snapshot.messages.filter((message) => message.role === 'assistant').length === sent;
    await waitForSnapshot(first.url, conversationId, settled, 20_000);

    const events = await storedEvents(database.url, conversationId);
    expect(offsetsOf(events)).toEqual(range(events.length));
    // turn_start and turn_end strictly alternate, each end closing the turn just started.
    let open: string | undefined;
    for (const event of events) {
      if (event.type === 'turn_start') {
        expect(open).toBeUndefined();
        open = turnOf(event).turnId;
      } else if (event.type === 'turn_end') {
        expect(turnOf(event).turnId).toBe(open);
        open = undefined;
      }
    }
    expect(open).toBeUndefined();
    const { messages } = foldEvents(conversationId, events);
    const users = messages.filter((message) => message.role === 'user');
    expect(users).toHaveLength(sent);
    // Each user message got its answer, and turns ran in the order the messages were stored.
    const startedFor = events.flatMap((event) => (event.type === 'turn_start' ? [turnOf(event).userMessageId] : []));
    expect(startedFor).toEqual(users.map((message) => message.id));
    for (const user of users) {
      const answers = messages.filter((message) => message.role === 'assistant' && message.turnId === user.turnId);
      expect(answers.map((answer) => answer.status)).toEqual(['complete']);
    }
  }, 40_000);

  it('stores one user message when the same clientMessageId reaches both daemons at once', async () => {
    await using database = await createPostgresTestSchema();
    await using first = await startDaemon({ flags: postgresDaemonFlags(database.url, 1, 5) });
    await using second = await startDaemon({ flags: postgresDaemonFlags(database.url, 1, 5) });
    const conversationId = await createConversation(first.url);
    const clientMessageIds = Array.from({ length: 5 }, () => randomUUID());
    for (const clientMessageId of clientMessageIds) {
      const [fromFirst, fromSecond] = await Promise.all(
        [first, second].map((daemon) => sendMessage(daemon.url, conversationId, 'Same message.', clientMessageId)),
      );
      expect(fromSecond).toEqual(fromFirst);
    }
    const settled = (snapshot: SnapshotResponse) =>
      snapshot.activeTurn === undefined &&
      snapshot.messages.filter((message) => message.role === 'assistant').length === clientMessageIds.length;
    await waitForSnapshot(second.url, conversationId, settled, 20_000);
    const { messages } = foldEvents(conversationId, await storedEvents(database.url, conversationId));
    const users = messages.filter((message) => message.role === 'user');
    expect(users.map((message) => message.clientMessageId)).toEqual(clientMessageIds);
  }, 40_000);
});
