import { describe, expect, it } from 'vitest';
import type { DaemonRequest } from './daemon-client.ts';
import { openEventStream, readUntil } from './event-stream-client.ts';
import type { SuiteDaemon } from './http-protocol-fixture.ts';
import { readConversation } from './read-conversation.ts';

/** The tokens of the auth daemon: `--auth-tokens` maps each to its account. */
export const ALICE_TOKEN = 'token-alice';
export const BOB_TOKEN = 'token-bob';

/** The `--auth-tokens` flag of the daemon {@link describeAuthCases} runs against. */
export const AUTH_FLAGS: readonly string[] = ['--auth-tokens', `${ALICE_TOKEN}=alice,${BOB_TOKEN}=bob`];

/** A conversation of each account, bob's with one answered turn. */
async function twoAccounts(daemon: SuiteDaemon) {
  const alice = daemon.client(ALICE_TOKEN);
  const bob = daemon.client(BOB_TOKEN);
  const alices = await alice.createConversation('Alice’s');
  const bobs = await bob.createConversation();
  await bob.sendMessage(bobs, 'A secret');
  const { snapshot } = await readConversation(bob, bobs);
  return { alice, bob, alices, bobs, bobsSnapshot: snapshot };
}

/** With `--auth-tokens`: 401 without a known token, 404 for another account's conversation, `?token=` on streams. */
export function describeAuthCases(daemon: () => SuiteDaemon): void {
  describe('with --auth-tokens', () => {
    it.each<[string, DaemonRequest]>([
      ['no token', { token: null }],
      ['an unknown token', { token: 'token-mallory' }],
      ['a malformed Authorization header', { token: null, headers: { authorization: ALICE_TOKEN } }],
    ])('refuses %s with 401 unauthorized saying how to authenticate, and writes nothing', async (_name, request) => {
      const { alice, alices } = await twoAccounts(daemon());
      const before = await alice.getSnapshot(alices);
      const accountHead = await alice.accountHead();
      for (const [method, path, body] of [
        ['GET', '/v1/conversations', undefined],
        ['POST', '/v1/conversations', {}],
        ['GET', `/v1/conversations/${alices}`, undefined],
        ['PATCH', `/v1/conversations/${alices}`, { title: 'Taken' }],
        ['POST', `/v1/conversations/${alices}/messages`, { content: 'Let me in' }],
        ['GET', `/v1/conversations/${alices}/events`, undefined],
        ['GET', '/v1/account/events', undefined],
      ] as const) {
        const response = await alice.request(method, path, { ...request, ...(body === undefined ? {} : { body }) });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(response.body.error.code).toBe('unauthorized');
        expect(response.body.error.message).toMatch(/token/);
      }
      for (const path of [`/v1/conversations/${alices}/events`, '/v1/account/events']) {
        const stream = await alice.request('GET', path, {
          ...request,
          headers: { ...request.headers, accept: 'text/event-stream' },
        });
        expect(stream.status, `event stream ${path}`).toBe(401);
        expect(stream.body.error.code).toBe('unauthorized');
      }
      expect(await alice.getSnapshot(alices)).toEqual(before);
      expect(await alice.accountHead()).toBe(accountHead);
    });

    it('answers 404 when one account touches another’s conversation, and changes nothing', async () => {
      const { alice, bob, bobs, bobsSnapshot } = await twoAccounts(daemon());
      const bobsAccountHead = await bob.accountHead();
      for (const [method, path, body] of [
        ['GET', `/v1/conversations/${bobs}`, undefined],
        ['GET', `/v1/conversations/${bobs}/events`, undefined],
        ['PATCH', `/v1/conversations/${bobs}`, { title: 'Mine now' }],
        ['DELETE', `/v1/conversations/${bobs}`, undefined],
        ['POST', `/v1/conversations/${bobs}/messages`, { content: 'Let me in' }],
        ['POST', `/v1/conversations/${bobs}/cancel`, undefined],
      ] as const) {
        const response = await alice.request(method, path, body === undefined ? {} : { body });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.body.error.code).toBe('conversation_not_found');
      }
      const stream = await alice.request('GET', `/v1/conversations/${bobs}/events?token=${ALICE_TOKEN}`, {
        token: null,
        headers: { accept: 'text/event-stream' },
      });
      expect(stream.status).toBe(404);
      expect(stream.body.error.code).toBe('conversation_not_found');
      expect(await bob.getSnapshot(bobs)).toEqual(bobsSnapshot);
      expect(await bob.accountHead()).toBe(bobsAccountHead);
      const list = await alice.request('GET', '/v1/conversations');
      expect(list.body.conversations.map((entry: { id: string }) => entry.id)).not.toContain(bobs);
    });

    it('accepts ?token= on event streams, since a browser EventSource cannot send headers', async () => {
      const { alice, alices, bob, bobs, bobsSnapshot } = await twoAccounts(daemon());
      await using stream = await openEventStream(`${bob.url}/v1/conversations/${bobs}/events?token=${BOB_TOKEN}`);
      expect(await readUntil(stream, 'ready')).toMatchObject({ offset: bobsSnapshot.offset });
      await using account = await openEventStream(`${alice.url}/v1/account/events?token=${ALICE_TOKEN}`);
      const { events } = await readUntil(account, 'ready');
      const created = events.map((event) => (event.data as { conversation?: { id: string } }).conversation?.id);
      expect(created).toContain(alices);
      expect(created).not.toContain(bobs);

      const wrong = await alice.request('GET', `/v1/account/events?token=token-mallory`, {
        token: null,
        headers: { accept: 'text/event-stream' },
      });
      expect(wrong.status).toBe(401);
      // Only event streams take ?token=: other routes still need the header.
      const snapshot = await alice.request('GET', `/v1/conversations/${alices}?token=${ALICE_TOKEN}`, { token: null });
      expect(snapshot.status).toBe(401);
    });
  });
}
