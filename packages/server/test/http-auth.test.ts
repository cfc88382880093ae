import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApi } from './support/api-fixture.ts';
import { openSse } from './support/sse-reader.ts';

describe('HTTP API with bearer tokens', () => {
  let api: ApiFixture;
  let alices: string;
  let bobs: string;

  beforeAll(async () => {
    api = await startApi({
      authTokens: new Map([
        ['t-alice', 'alice'],
        ['t-bob', 'bob'],
      ]),
    });
    alices = await api.createConversation('t-alice');
    bobs = await api.createConversation('t-bob');
    await api.request('POST', `/v1/conversations/${bobs}/messages`, { token: 't-bob', body: { content: 'secret' } });
    await api.settled(bobs, 'bob');
  });
  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['no token', {}],
    ['an unknown token', { token: 't-mallory' }],
    ['a malformed Authorization header', { headers: { authorization: 't-alice' } }],
  ])('refuses %s with 401 and a sentence saying how to authenticate', async (_name, request) => {
    for (const [method, path] of [
      ['GET', '/v1/conversations'],
      ['POST', '/v1/conversations'],
      ['GET', `/v1/conversations/${alices}`],
      ['GET', `/v1/conversations/${alices}/events`],
      ['GET', '/v1/account/events'],
    ] as const) {
      const accountHead = await api.accountHead('alice');
      const response = await api.request(method, path, request);
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
      expect(response.body.error.message).toMatch(/token/);
      expect(await api.accountHead('alice')).toBe(accountHead);
    }
  });

  it('lists only the caller’s own conversations', async () => {
    const alice = await api.request('GET', '/v1/conversations', { token: 't-alice' });
    const bob = await api.request('GET', '/v1/conversations', { token: 't-bob' });
    expect(alice.body.conversations.map((entry: { id: string }) => entry.id)).toEqual([alices]);
    expect(bob.body.conversations.map((entry: { id: string }) => entry.id)).toEqual([bobs]);
    const aliceEvents = await api.request('GET', '/v1/account/events', { token: 't-alice' });
    expect(aliceEvents.body.events).toHaveLength(1);
    expect(aliceEvents.body.events[0].data.conversation.id).toBe(alices);
  });

  it('answers 404, not 403, when alice touches bob’s conversation, and changes nothing', async () => {
    const bobHead = await api.conversationHead(bobs);
    const bobAccountHead = await api.accountHead('bob');
    for (const [method, path, body] of [
      ['GET', `/v1/conversations/${bobs}`, undefined],
      ['GET', `/v1/conversations/${bobs}/events`, undefined],
      ['PATCH', `/v1/conversations/${bobs}`, { title: 'mine now' }],
      ['DELETE', `/v1/conversations/${bobs}`, undefined],
      ['POST', `/v1/conversations/${bobs}/messages`, { content: 'let me in' }],
      ['POST', `/v1/conversations/${bobs}/cancel`, undefined],
    ] as const) {
      const response = await api.request(method, path, { token: 't-alice', ...(body ? { body } : {}) });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error.code).toBe('conversation_not_found');
    }
    const stream = await fetch(`${api.url}/v1/conversations/${bobs}/events?token=t-alice`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(stream.status).toBe(404);
    expect(((await stream.json()) as { error: { code: string } }).error.code).toBe('conversation_not_found');
    expect(await api.conversationHead(bobs)).toBe(bobHead);
    expect(await api.accountHead('bob')).toBe(bobAccountHead);
    const bob = await api.request('GET', `/v1/conversations/${bobs}`, { token: 't-bob' });
    expect(bob.body.conversation.title).toBe('secret');
  });

  it('accepts ?token= on an event stream, since EventSource cannot send headers', async () => {
    await using stream = await openSse(`${api.url}/v1/conversations/${bobs}/events?token=t-bob`);
    expect(stream.status).toBe(200);
    const ready = await stream.until((frame) => frame.event === 'ready');
    expect(JSON.parse(ready.data ?? '')).toEqual({ offset: await api.conversationHead(bobs) });
    await using account = await openSse(`${api.url}/v1/account/events?token=t-alice`);
    expect(account.status).toBe(200);
    const created = await account.until((frame) => frame.event === 'conversation_created');
    expect(JSON.parse(created.data ?? '').data.conversation.id).toBe(alices);
  });

  it('does not accept ?token= on any other route', async () => {
    for (const [method, path] of [
      ['GET', '/v1/conversations?token=t-alice'],
      ['POST', '/v1/conversations?token=t-alice'],
      ['GET', `/v1/conversations/${alices}?token=t-alice`],
      ['POST', `/v1/conversations/${alices}/cancel?token=t-alice`],
    ] as const) {
      const response = await api.request(method, path);
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    }
    expect(await api.accountHead('alice')).toBe(1);
  });
});
