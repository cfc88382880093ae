import type { AppEventRecord, MessageSnapshot } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DaemonClient } from './daemon-client.ts';
import type { SuiteDaemon } from './http-protocol-fixture.ts';
import { placedOnTree as placed } from './placed-on-tree.ts';
import { readConversation } from './read-conversation.ts';

/** A conversation id no conversation has (a valid UUIDv7). */
const UNKNOWN_MESSAGE = '019a5b1e-2f10-7d44-8a2b-3c4d5e6f7081';

/** Reads the latest page with `limit`, then every older page with `olderLimit`, oldest last. */
async function readAllPages(client: DaemonClient, id: string, limit: number, olderLimit: number) {
  const latest = await client.request('GET', `/v1/conversations/${id}?limit=${limit}`);
  expect(latest.status).toBe(200);
  const pages = [latest.body as { messages: MessageSnapshot[]; appEvents?: AppEventRecord[] }];
  let older = latest.body.older as { before: string; count: number } | undefined;
  while (older !== undefined) {
    const page = await client.request(
      'GET',
      `/v1/conversations/${id}/messages?before=${older.before}&limit=${olderLimit}`,
    );
    expect(page.status).toBe(200);
    expect(page.body.messages.length).toBe(Math.min(olderLimit, older.count));
    expect(page.body.messages.at(-1)).toBeDefined();
    pages.unshift(page.body);
    const next = page.body.older as { before: string; count: number } | undefined;
    if (next !== undefined) expect(next.count).toBe(older.count - page.body.messages.length);
    else expect(page.body.messages.length).toBe(older.count);
    older = next;
  }
  return { latest: latest.body, pages };
}

/** History pages: `GET /v1/conversations/:id?limit=` and `GET /v1/conversations/:id/messages?before=`. */
export function describeHistoryPageCases(daemon: () => SuiteDaemon): void {
  describe('history pages', () => {
    it('for any page sizes, the latest page and the older pages hold every message once, in order, and the rest of the snapshot whole', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      const turns = 6;
      for (let turn = 1; turn <= turns; turn += 1) await client.sendMessage(id, `Message ${turn}`);
      const { snapshot } = await readConversation(client, id, turns);
      expect(snapshot.messages.length).toBe(turns * 2);
      const { messages: allMessages, appEvents: allAppEvents, ...state } = snapshot;

      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 14 }),
          fc.integer({ min: 1, max: 14 }),
          async (limit, olderLimit) => {
            const { latest, pages } = await readAllPages(client, id, limit, olderLimit);
            const { messages, appEvents, older, ...rest } = latest;
            expect(rest).toEqual(state);
            // A page's first message names the parent the page left out; the rest are as whole.
            expect(placed(messages)).toEqual(placed(allMessages).slice(-limit));
            expect(messages.slice(1)).toEqual(allMessages.slice(-limit).slice(1));
            expect(older === undefined).toBe(limit >= allMessages.length);
            expect(pages.flatMap((page) => placed(page.messages))).toEqual(placed(allMessages));
            const records = pages.flatMap((page) => page.appEvents ?? []).sort((a, b) => a.offset - b.offset);
            expect(records).toEqual(allAppEvents ?? []);
          },
        ),
        { numRuns: 12 },
      );
    });

    it('without limit, or with one at least the message count, serves the whole snapshot with no cursor', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      await client.sendMessage(id, 'Hello');
      const { snapshot } = await readConversation(client, id);
      const whole = await client.request('GET', `/v1/conversations/${id}`);
      expect(whole.body).toEqual(snapshot);
      expect(whole.body.older).toBeUndefined();
      const page = await client.request('GET', `/v1/conversations/${id}?limit=2`);
      expect(page.body).toEqual(snapshot);
      const empty = await client.createConversation();
      const none = await client.request('GET', `/v1/conversations/${empty}?limit=1`);
      expect(none.body).toMatchObject({ messages: [], offset: 0 });
      expect(none.body.older).toBeUndefined();
    });

    it('refuses a bad limit with 400 invalid_request and a bad cursor with 400 bad_cursor; an unknown message is 404', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      await client.sendMessage(id, 'Hello');
      const { snapshot } = await readConversation(client, id);
      for (const [query, words] of [
        ['limit=0', /at least 1/],
        ['limit=1001', /at most 1000/],
        ['limit=lots', /limit/],
        ['limit=1.5', /whole number/],
      ] as const) {
        for (const path of [
          `/v1/conversations/${id}?`,
          `/v1/conversations/${id}/messages?before=${snapshot.messages[1]?.id}&`,
        ]) {
          const response = await client.request('GET', `${path}${query}`);
          expect(response.status, `${path}${query}`).toBe(400);
          expect(response.body.error.code).toBe('invalid_request');
          expect(response.body.error.message).toMatch(words);
        }
      }
      for (const before of ['', 'abc', '42', `${UNKNOWN_MESSAGE}x`]) {
        const response = await client.request('GET', `/v1/conversations/${id}/messages?before=${before}`);
        expect(response.status, `before=${before}`).toBe(400);
        expect(response.body.error.code).toBe('bad_cursor');
        expect(response.body.error.message).toMatch(/id of a message/);
      }
      const missing = await client.request('GET', `/v1/conversations/${id}/messages`);
      expect(missing.body.error.code).toBe('bad_cursor');
      const unknown = await client.request('GET', `/v1/conversations/${id}/messages?before=${UNKNOWN_MESSAGE}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('message_not_found');
      const elsewhere = await client.request(
        'GET',
        `/v1/conversations/${UNKNOWN_MESSAGE}/messages?before=${UNKNOWN_MESSAGE}`,
      );
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.body.error.code).toBe('conversation_not_found');
      // Reading pages wrote nothing.
      expect(await client.conversationHead(id)).toBe(snapshot.offset);
    });

    it('answers the oldest message as a cursor with an empty page and no further cursor', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      await client.sendMessage(id, 'Hello');
      const { snapshot } = await readConversation(client, id);
      const first = snapshot.messages[0]?.id;
      const page = await client.request('GET', `/v1/conversations/${id}/messages?before=${first}`);
      expect(page.status).toBe(200);
      expect(page.body).toEqual({ messages: [] });
    });
  });
}
