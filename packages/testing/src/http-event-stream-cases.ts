import type { IncomingEvent } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { range } from './event-log-conformance.ts';
import { openEventStream, readUntil } from './event-stream-client.ts';
import { expectExactTranscript } from './expect-exact-transcript.ts';
import { offsetsOf } from './fold-events.ts';
import type { SuiteDaemon } from './http-protocol-fixture.ts';
import { readConversation } from './read-conversation.ts';
import { readUntilTurnEnds } from './read-until-turn-ends.ts';
import { replayOnConnection } from './replay-on-connection.ts';

/** SSE: replay and `ready`, resume with `Last-Event-ID` or `?after=`, `?live=tail`, `reset`, heartbeats. */
export function describeEventStreamCases(daemon: () => SuiteDaemon): void {
  describe('event streams (SSE)', () => {
    /** A conversation whose one turn (with a tool call) has ended: its id, events and snapshot. */
    async function answeredConversation() {
      const client = daemon().client();
      const id = await client.createConversation();
      await client.sendMessage(id, 'Use a tool, please');
      return { client, id, ...(await readConversation(client, id)) };
    }

    it('replays every event from the start, sends ready once with the head, then live events without gaps', async () => {
      const { client, id, events, snapshot } = await answeredConversation();
      await using stream = await openEventStream(client.eventsUrl(id));
      const replay = await readUntil(stream, 'ready');
      expect(replay.offset).toBe(snapshot.offset);
      expect(replay.events).toEqual(events);

      await client.sendMessage(id, 'And once more');
      const received = [...replay.events];
      const others: string[] = [];
      while (received.at(-1)?.type !== 'turn_end' || received.length === replay.events.length) {
        const message = await stream.next();
        if (message === undefined) throw new Error(`The stream ended after offset ${received.at(-1)?.offset}.`);
        if (message.event === undefined) others.push(message.type);
        else received.push(message.event);
      }
      const served = await readUntilTurnEnds(stream, received, () => client.getSnapshot(id), 2);
      expectExactTranscript(id, received, served);
      expect(others, 'ready is sent once per connection').toEqual([]);
    });

    it('resumes after Last-Event-ID or ?after= with exactly the events after it, from any offset', async () => {
      const { client, id, events, snapshot } = await answeredConversation();
      const cursors = [0, 1, 2, Math.floor(snapshot.offset / 2), snapshot.offset - 1, snapshot.offset];
      for (const cursor of cursors) {
        for (const how of ['Last-Event-ID', '?after='] as const) {
          await using stream = await openEventStream(
            client.eventsUrl(id, how === '?after=' ? `?after=${cursor}` : ''),
            how === 'Last-Event-ID' ? { lastEventId: String(cursor) } : {},
          );
          const resumed = await readUntil(stream, 'ready');
          expect(resumed.offset, `${how} ${cursor}`).toBe(snapshot.offset);
          expect(resumed.events, `${how} ${cursor}`).toEqual(events.slice(cursor));
        }
      }
      // When both are sent, ?after= wins.
      await using both = await openEventStream(client.eventsUrl(id, '?after=5'), { lastEventId: '2' });
      expect(offsetsOf((await readUntil(both, 'ready')).events)).toEqual(range(snapshot.offset - 5).map((n) => n + 5));
    });

    it('gives a client that drops its connection mid-turn and resumes with Last-Event-ID each event exactly once', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      const received: IncomingEvent[] = [];
      {
        await using first = await openEventStream(client.eventsUrl(id));
        await readUntil(first, 'ready');
        await client.sendMessage(id, 'Use a tool, please');
        while (received.length < 10) {
          const message = await first.next();
          if (message === undefined) throw new Error(`The stream ended after ${received.length} events.`);
          if (message.event !== undefined) received.push(message.event);
        }
      }
      await using resumed = await openEventStream(client.eventsUrl(id), {
        lastEventId: String(received.at(-1)?.offset),
      });
      const served = await readUntilTurnEnds(resumed, received, () => client.getSnapshot(id));
      expectExactTranscript(id, received, served);
    });

    it('streams the same whether it is its connection’s first request or follows another on a kept-alive one', async () => {
      const { client, id, events, snapshot } = await answeredConversation();
      const fresh = await replayOnConnection(client.eventsUrl(id));
      const reused = await replayOnConnection(client.eventsUrl(id), `${client.url}/v1/health`);
      expect(fresh).toEqual({ reusedConnection: false, events, readyOffset: snapshot.offset });
      expect(reused).toEqual({ reusedConnection: true, events, readyOffset: snapshot.offset });
    });

    it('with ?live=tail sends only events committed after it connected, until a reconnect sends Last-Event-ID', async () => {
      const { client, id, snapshot } = await answeredConversation();
      await using stream = await openEventStream(client.eventsUrl(id, '?live=tail'));
      const caughtUp = await readUntil(stream, 'ready');
      expect(caughtUp).toEqual({ events: [], offset: snapshot.offset });

      await client.sendMessage(id, 'Only this');
      const received: IncomingEvent[] = [];
      const served = await readUntilTurnEnds(stream, received, () => client.getSnapshot(id));
      expect(offsetsOf(received)).toEqual(range(served.offset - snapshot.offset).map((n) => n + snapshot.offset));

      // An EventSource on a ?live=tail URL reconnects to the same URL with Last-Event-ID: it must get what it missed.
      await using reconnected = await openEventStream(client.eventsUrl(id, '?live=tail'), {
        lastEventId: String(snapshot.offset),
      });
      expect(await readUntil(reconnected, 'ready')).toEqual({ events: received, offset: served.offset });
    });

    it('answers a cursor beyond the head with reset carrying the head, then closes the stream', async () => {
      const { client, id, snapshot } = await answeredConversation();
      for (const [query, options] of [
        [`?after=${snapshot.offset + 1}`, {}],
        ['', { lastEventId: '1000000' }],
      ] as const) {
        await using stream = await openEventStream(client.eventsUrl(id, query), options);
        expect(await readUntil(stream, 'reset')).toEqual({ events: [], offset: snapshot.offset });
        expect(await stream.next()).toBeUndefined();
      }
      const accountHead = await client.accountHead();
      await using account = await openEventStream(`${client.url}/v1/account/events?after=${accountHead + 1}`);
      expect(await readUntil(account, 'reset')).toEqual({ events: [], offset: accountHead });
      expect(await account.next()).toBeUndefined();
    });

    it('sends heartbeat comments on a quiet stream naming the last offset the connection wrote', async () => {
      const { client, id, snapshot } = await answeredConversation();
      await using stream = await openEventStream(client.eventsUrl(id, `?after=${snapshot.offset - 1}`), {
        comments: true,
      });
      await readUntil(stream, 'ready');
      const message = await stream.next();
      expect(message).toMatchObject({ type: 'comment', data: `sent ${snapshot.offset}` });
    });
  });
}
