import type { IncomingEvent } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { openEventStream, readUntil } from './event-stream-client.ts';
import type { SuiteDaemon } from './http-protocol-fixture.ts';

/** The conversation an account event is about. */
function conversationOf(event: IncomingEvent): string | undefined {
  const data = event.data as { conversation?: { id?: string }; conversationId?: string };
  return data.conversation?.id ?? data.conversationId;
}

/** The account stream: one event per create, rename and delete, live and in pages. */
export function describeAccountCases(daemon: () => SuiteDaemon): void {
  describe('the account stream', () => {
    it('records create, rename and delete, in order, live on its event stream and in its pages', async () => {
      const client = daemon().client();
      const head = await client.accountHead();
      await using live = await openEventStream(`${client.url}/v1/account/events?live=tail`);
      expect((await readUntil(live, 'ready')).offset).toBe(head);

      const id = await client.createConversation('Trip to Lisbon');
      const renamed = await client.request('PATCH', `/v1/conversations/${id}`, { body: { title: 'Trip to Porto' } });
      expect(renamed.status).toBe(200);
      expect(renamed.body.conversation).toMatchObject({ id, title: 'Trip to Porto' });
      const deleted = await client.request('DELETE', `/v1/conversations/${id}`);
      expect(deleted.status).toBe(204);

      const page = await client.request('GET', `/v1/account/events?after=${head}`);
      expect(page.status).toBe(200);
      expect(page.body.upToDate).toBe(true);
      const mine = (page.body.events as IncomingEvent[]).filter((event) => conversationOf(event) === id);
      expect(mine.map((event) => [event.stream, event.type])).toEqual([
        ['account', 'conversation_created'],
        ['account', 'conversation_updated'],
        ['account', 'conversation_deleted'],
      ]);
      expect(mine[0]?.data).toEqual({ conversation: expect.objectContaining({ id, title: 'Trip to Lisbon' }) });
      expect(mine[1]?.data).toEqual({ conversation: renamed.body.conversation });
      expect(mine[2]?.data).toEqual({ conversationId: id });

      const streamed: IncomingEvent[] = [];
      while (
        streamed.at(-1)?.type !== 'conversation_deleted' ||
        conversationOf(streamed.at(-1) as IncomingEvent) !== id
      ) {
        const message = await live.next();
        if (message === undefined) throw new Error(`The account stream ended after ${streamed.length} events.`);
        if (message.event !== undefined) streamed.push(message.event);
      }
      expect(streamed).toEqual(page.body.events.slice(0, streamed.length));
    });

    it('lists conversations newest first with the account stream offset, and forgets deleted ones', async () => {
      const client = daemon().client();
      const older = await client.createConversation('Older');
      const newer = await client.createConversation('Newer');
      const gone = await client.createConversation('Gone');
      await client.request('DELETE', `/v1/conversations/${gone}`);
      const list = await client.request('GET', '/v1/conversations');
      expect(list.status).toBe(200);
      const ids: string[] = list.body.conversations.map((entry: { id: string }) => entry.id);
      expect(ids).not.toContain(gone);
      expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
      expect(ids.indexOf(newer)).toBeGreaterThanOrEqual(0);
      const page = await client.request('GET', '/v1/account/events?limit=1000');
      expect(list.body.offset).toBe(page.body.nextOffset);
      for (const [method, path] of [
        ['GET', `/v1/conversations/${gone}`],
        ['GET', `/v1/conversations/${gone}/events`],
      ] as const) {
        const response = await client.request(method, path);
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.body.error.code).toBe('conversation_not_found');
      }
    });
  });
}
