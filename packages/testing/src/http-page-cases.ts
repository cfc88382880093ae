import type { IncomingEvent } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { range } from './event-log-conformance.ts';
import { foldEvents, offsetsOf } from './fold-events.ts';
import type { SuiteDaemon } from './http-protocol-fixture.ts';
import { readConversation } from './read-conversation.ts';

/** Cursors that are not a decimal offset; each must be refused with 400 `bad_cursor`. */
const BAD_CURSORS = ['-1', '%2B1', 'abc', '01', '1.5', '1e3', '%201', '9007199254740992', ''];

/** Cursors on JSON pages: `?after=&limit=`, `nextOffset`, `upToDate`, limit bounds, bad cursors. */
export function describePageCases(daemon: () => SuiteDaemon): void {
  describe('JSON pages of events', () => {
    it('pages through a conversation with ?after=&limit=, gapless, ending upToDate; the pages fold to the snapshot', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      await client.sendMessage(id, 'Use a tool, please');
      const { snapshot } = await readConversation(client, id);
      expect(snapshot.offset).toBeGreaterThan(14);

      const events: IncomingEvent[] = [];
      let after = 0;
      for (let pages = 1; ; pages += 1) {
        const page = await client.request('GET', `/v1/conversations/${id}/events?after=${after}&limit=7`);
        expect(page.status).toBe(200);
        const offsets = offsetsOf(page.body.events);
        expect(offsets).toEqual(range(offsets.length).map((index) => after + index));
        expect(offsets.length).toBe(Math.min(7, snapshot.offset - after));
        expect(page.body.nextOffset).toBe(offsets.at(-1));
        expect(page.body.upToDate).toBe(page.body.nextOffset === snapshot.offset);
        events.push(...page.body.events);
        after = page.body.nextOffset;
        if (page.body.upToDate) break;
        expect(pages).toBeLessThan(snapshot.offset);
      }
      const { conversation: _conversation, ...served } = snapshot;
      expect(foldEvents(id, events)).toEqual(served);
    });

    it('marks a page that ends exactly at the head up to date, and answers the head with an empty page', async () => {
      const client = daemon().client();
      const empty = await client.createConversation();
      expect((await client.request('GET', `/v1/conversations/${empty}/events`)).body).toEqual({
        events: [],
        nextOffset: 0,
        upToDate: true,
      });
      const id = await client.createConversation();
      await client.sendMessage(id, 'Hello');
      const { snapshot } = await readConversation(client, id);
      const last = await client.request('GET', `/v1/conversations/${id}/events?after=${snapshot.offset - 3}&limit=3`);
      expect(offsetsOf(last.body.events)).toEqual([1, 2, 3].map((n) => snapshot.offset - 3 + n));
      expect(last.body).toMatchObject({ nextOffset: snapshot.offset, upToDate: true });
      const atHead = await client.request('GET', `/v1/conversations/${id}/events?after=${snapshot.offset}`);
      expect(atHead.status).toBe(200);
      expect(atHead.body).toEqual({ events: [], nextOffset: snapshot.offset, upToDate: true });
      // ?live=tail on a page reads from the head: where a client wanting only new events starts.
      const tail = await client.request('GET', `/v1/conversations/${id}/events?live=tail`);
      expect(tail.body).toEqual({ events: [], nextOffset: snapshot.offset, upToDate: true });
    });

    it('takes a limit from 1 to 1000 and refuses others with 400 invalid_request naming the bound', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      await client.sendMessage(id, 'Hello');
      const { snapshot } = await readConversation(client, id);
      const one = await client.request('GET', `/v1/conversations/${id}/events?limit=1`);
      expect(offsetsOf(one.body.events)).toEqual([1]);
      expect(one.body).toMatchObject({ nextOffset: 1, upToDate: false });
      const most = await client.request('GET', `/v1/conversations/${id}/events?limit=1000`);
      expect(offsetsOf(most.body.events)).toEqual(range(snapshot.offset));
      for (const [limit, words] of [
        ['0', /at least 1/],
        ['1001', /at most 1000/],
        ['-5', /at least 1/],
        ['lots', /limit/],
      ] as const) {
        const response = await client.request('GET', `/v1/conversations/${id}/events?limit=${limit}`);
        expect(response.status, `limit=${limit}`).toBe(400);
        expect(response.body.error.code).toBe('invalid_request');
        expect(response.body.error.message).toMatch(words);
      }
    });

    it('refuses a cursor that is not a decimal offset with 400 bad_cursor quoting it, on pages and event streams', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      await client.sendMessage(id, 'Hello');
      await readConversation(client, id);
      for (const cursor of BAD_CURSORS) {
        for (const path of [`/v1/conversations/${id}/events`, '/v1/account/events']) {
          for (const accept of ['application/json', 'text/event-stream']) {
            const response = await client.request('GET', `${path}?after=${cursor}`, { headers: { accept } });
            expect(response.status, `${accept} ${path}?after=${cursor}`).toBe(400);
            expect(response.body.error.code).toBe('bad_cursor');
            expect(response.body.error.message).toContain(`"${decodeURIComponent(cursor)}"`);
            expect(response.body.error.message).toMatch(/decimal offset/);
          }
        }
        const text = decodeURIComponent(cursor);
        if (text.trim() !== text || text === '') continue; // HTTP trims header values; empty means none
        const header = await client.request('GET', `/v1/conversations/${id}/events`, {
          headers: { accept: 'text/event-stream', 'last-event-id': text },
        });
        expect(header.status, `Last-Event-ID: ${cursor}`).toBe(400);
        expect(header.body.error.code).toBe('bad_cursor');
      }
    });

    it('answers a page after a cursor beyond the head with 409 conflict, saying to refetch the snapshot', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      await client.sendMessage(id, 'Hello');
      const { snapshot } = await readConversation(client, id);
      const beyond = snapshot.offset + 1;
      const response = await client.request('GET', `/v1/conversations/${id}/events?after=${beyond}`);
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('conflict');
      expect(response.body.error.message).toMatch(new RegExp(`${beyond}.*beyond.*${snapshot.offset}`));
      expect(response.body.error.message).toMatch(/refetch the snapshot/);
    });
  });
}
