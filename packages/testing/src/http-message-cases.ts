import { fromSnapshot, reduceAll, snapshot as snapshotOf } from '@once/core';
import type { IncomingEvent } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { openEventStream, readUntil } from './event-stream-client.ts';
import { foldEvents } from './fold-events.ts';
import type { SuiteDaemon } from './http-protocol-fixture.ts';
import { readConversation } from './read-conversation.ts';
import { readUntilTurnEnds } from './read-until-turn-ends.ts';

/** Sends (202, ids, idempotence by `clientMessageId`) and snapshots (the fold of the events at their offset). */
export function describeMessageCases(daemon: () => SuiteDaemon): void {
  describe('messages and snapshots', () => {
    it('accepts a message with 202 and its ids; one assistant message of the same turn answers it', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      const sent = await client.request('POST', `/v1/conversations/${id}/messages`, {
        body: { content: 'Use a tool, please', clientMessageId: 'first-send' },
      });
      expect(sent.status).toBe(202);
      expect(sent.body).toEqual({ userMessageId: expect.any(String), turnId: expect.any(String) });
      const { snapshot } = await readConversation(client, id);
      expect(snapshot.messages).toEqual([
        expect.objectContaining({
          id: sent.body.userMessageId,
          role: 'user',
          status: 'complete',
          turnId: sent.body.turnId,
          clientMessageId: 'first-send',
        }),
        expect.objectContaining({ role: 'assistant', status: 'complete', turnId: sent.body.turnId }),
      ]);
    });

    it('answers the same clientMessageId again with the same ids and writes nothing more', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      const first = await client.sendMessage(id, 'Only once, please', 'retry-me');
      const { snapshot } = await readConversation(client, id);
      const accountHead = await client.accountHead();

      expect(await client.sendMessage(id, 'Only once, please', 'retry-me')).toEqual(first);
      expect(await client.sendMessage(id, 'a retry whose body changed', 'retry-me')).toEqual(first);
      expect(await client.getSnapshot(id)).toEqual(snapshot);
      expect(await client.accountHead()).toBe(accountHead);
    });

    it('stores a message once when the same send arrives several times at once', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      const sends = await Promise.all(
        Array.from({ length: 4 }, () => client.sendMessage(id, 'Sent in a hurry', 'double-click')),
      );
      expect(new Set(sends.map((sent) => JSON.stringify(sent))).size).toBe(1);
      const { snapshot } = await readConversation(client, id);
      expect(snapshot.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
      // A later, different message still starts a turn of its own.
      const next = await client.sendMessage(id, 'Something new', 'second');
      expect(next.turnId).not.toBe(sends[0]?.turnId);
      const { snapshot: after } = await readConversation(client, id, 2);
      expect(after.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    });

    it('serves a snapshot equal to the fold of the events up to its offset, also in the middle of a turn', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      await using stream = await openEventStream(client.eventsUrl(id));
      await readUntil(stream, 'ready');
      await client.sendMessage(id, 'Use a tool, please');
      // Snapshots taken while the turn streams: each is the fold of exactly the events up to its offset.
      const received: IncomingEvent[] = [];
      const snapshots = [];
      while (received.at(-1)?.type !== 'turn_end') {
        const message = await stream.next();
        if (message === undefined) throw new Error(`The stream ended after ${received.length} events.`);
        if (message.event === undefined) continue;
        received.push(message.event);
        if (received.length % 9 === 0) snapshots.push(await client.getSnapshot(id));
      }
      const served = await readUntilTurnEnds(stream, received, () => client.getSnapshot(id));
      for (const { conversation: _conversation, ...snapshot } of [...snapshots, served]) {
        const events = received.slice(0, snapshot.offset);
        expect(foldEvents(id, events)).toEqual(snapshot);
        // History equals stream: the snapshot plus the events after it folds to the final state.
        const resumed = reduceAll(fromSnapshot(snapshot), received.slice(snapshot.offset));
        expect(resumed.resync).toBeUndefined();
        expect(snapshotOf(resumed)).toEqual(foldEvents(id, received));
      }
      expect(snapshots.length).toBeGreaterThan(2);
    });
  });
}
