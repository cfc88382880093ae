import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiFixture, type ApiRequest, startApi } from './support/api-fixture.ts';
import { connectRaw, getHead, hasWholeResponse, parseResponse } from './support/raw-connection.ts';
import { openSse } from './support/sse-reader.ts';

// Event-stream requests are taken below Fastify's routing (event-stream/event-stream-entry.ts):
// served on the raw socket of a fresh connection, or through node:http on a socket that
// already carried a request. These tests hold both paths to the route's contract: the
// same refusals, the same streams.
describe('event-stream requests', () => {
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
  });
  afterAll(async () => {
    await api.close();
  });

  const sse = (request: ApiRequest = {}): ApiRequest => ({
    ...request,
    headers: { accept: 'text/event-stream', ...request.headers },
  });

  it('refuses exactly as a JSON page request does, on either path: same status, same error body', async () => {
    const opened = await api.streamsOpened();
    const unknown = '019a5b1e-2f00-7c3a-9b1d-4e5f60718293';
    const cases: readonly [string, string, ApiRequest][] = [
      ['no token', `/v1/conversations/${alices}/events`, {}],
      ['an unknown token', `/v1/conversations/${alices}/events?token=t-mallory`, {}],
      ['an unknown bearer token', '/v1/account/events', { token: 't-mallory' }],
      ['someone else’s conversation', `/v1/conversations/${bobs}/events?token=t-alice`, {}],
      ['an unknown conversation', `/v1/conversations/${unknown}/events`, { token: 't-alice' }],
      ['a malformed ?after=', `/v1/conversations/${alices}/events?after=x&token=t-alice`, {}],
      ['a malformed Last-Event-ID', '/v1/account/events', { token: 't-alice', headers: { 'last-event-id': '-1' } }],
      ['a bad live', `/v1/conversations/${alices}/events?live=yes`, { token: 't-alice' }],
      ['a repeated after', '/v1/account/events?after=1&after=2', { token: 't-alice' }],
      ['a bad limit', '/v1/account/events?limit=0', { token: 't-alice' }],
    ];
    for (const [name, path, request] of cases) {
      const page = await api.request('GET', path, request);
      // fetch reuses its keep-alive connection: node:http's path.
      const stream = await api.request('GET', path, sse(request));
      expect(page.status, name).toBeGreaterThanOrEqual(400);
      expect({ status: stream.status, body: stream.body }, name).toEqual({ status: page.status, body: page.body });
      // A fresh connection: the raw socket's path, which hands the refusal to Fastify.
      await using raw = await connectRaw(api.url);
      const headers = { ...request.headers, ...(request.token ? { authorization: `Bearer ${request.token}` } : {}) };
      await raw.write(getHead(path, headers));
      const response = parseResponse(await raw.until(hasWholeResponse));
      expect({ status: response.status, body: JSON.parse(response.body) }, name).toEqual({
        status: page.status,
        body: page.body,
      });
    }
    expect(await api.streamsOpened()).toEqual(opened);
  });

  it('checks the next request of a connection whose first stream was refused afresh, as its own account', async () => {
    await using raw = await connectRaw(api.url);
    // Refused on the raw path, answered by Fastify on a connection that stays open.
    await raw.write(getHead(`/v1/conversations/${bobs}/events?token=t-alice`));
    const refused = parseResponse(await raw.until(hasWholeResponse));
    expect([refused.status, JSON.parse(refused.body).error.code]).toEqual([404, 'conversation_not_found']);
    const from = raw.received.length;
    const opened = await api.streamsOpened();
    await raw.write(getHead(`/v1/conversations/${bobs}/events?token=t-bob`));
    const stream = parseResponse(await raw.until((text) => text.includes('event: ready\n'), from));
    expect(stream.status).toBe(200);
    expect(await api.streamsOpened()).toEqual({ ...opened, http: opened.http + 1 });
    // And a refusal on node:http's path leaves the connection to its next request too.
    await using second = await connectRaw(api.url);
    await second.write(`GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    await second.until(hasWholeResponse);
    const afterHealth = second.received.length;
    await second.write(getHead(`/v1/conversations/${alices}/events?token=t-bob`));
    const secondRefused = parseResponse(await second.until(hasWholeResponse, afterHealth));
    expect(secondRefused.status).toBe(404);
    const afterRefusal = second.received.length;
    await second.write(getHead(`/v1/conversations/${alices}/events?token=t-alice`));
    expect(parseResponse(await second.until((text) => text.includes('event: ready\n'), afterRefusal)).status).toBe(200);
  });

  it('streams a conversation whose id is percent-encoded, through the route itself', async () => {
    const encoded = alices.replaceAll('-', '%2D');
    await using stream = await openSse(`${api.url}/v1/conversations/${encoded}/events?token=t-alice`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const ready = await stream.until((frame) => frame.event === 'ready');
    expect(JSON.parse(ready.data ?? '')).toEqual({ offset: await api.conversationHead(alices) });
  });

  it('forgets a stream once its client leaves', async () => {
    const open = async () => (await api.request('GET', '/v1/health')).body.sseConnections as number;
    // Streams of earlier tests close on their own time.
    await vi.waitFor(async () => expect(await open()).toBe(0));
    const stream = await openSse(`${api.url}/v1/conversations/${alices}/events`, { authorization: 'Bearer t-alice' });
    await stream.until((frame) => frame.event === 'ready');
    expect(await open()).toBe(1);
    await stream.close();
    await vi.waitFor(async () => expect(await open()).toBe(0));
  });

  // Found by the HTTP fuzz test: a HEAD asking for a stream got no answer at all.
  it('answers HEAD with a stream Accept at once, with the page head and no stream', async () => {
    const opened = await api.streamsOpened();
    for (const path of [`/v1/conversations/${alices}/events`, '/v1/account/events']) {
      const response = await fetch(`${api.url}${path}`, {
        method: 'HEAD',
        headers: { accept: 'text/event-stream', authorization: 'Bearer t-alice' },
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    }
    expect(await api.streamsOpened()).toEqual(opened);
  });
});
