import { openSqliteEventLog } from '@once/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnceServer } from '../src/index.ts';
import { type ApiFixture, startApi } from './support/api-fixture.ts';
import { connectRaw, getHead, hasWholeResponse, parseResponse, type RawResponse } from './support/raw-connection.ts';

// Pages on other origins call the API and open event streams (`corsOrigins`): Fastify's
// routes answer through @fastify/cors, event streams served below Fastify write the same
// headers themselves. Over real HTTP, on a real SQLite log.
const ALLOWED = 'http://127.0.0.1:5173';
const OTHER = 'http://127.0.0.1:5174';
const TOKEN = 't-alice';

/** A preflight as a browser sends it before a request with these headers. */
function preflight(api: ApiFixture, path: string, origin: string, method: string, headers: string) {
  return fetch(`${api.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });
}

/** The head of an event stream opened on a fresh connection (the raw-socket path), and the first frames. */
async function rawStream(api: ApiFixture, path: string, headers: Record<string, string>): Promise<RawResponse> {
  await using raw = await connectRaw(api.url);
  await raw.write(getHead(path, headers));
  return parseResponse(await raw.until((text) => text.includes('event: ready\n')));
}

/**
 * The same on node:http's path: the connection carries a request first, so the stream is
 * its second request, which node:http parses.
 */
async function httpStream(api: ApiFixture, path: string, headers: Record<string, string>): Promise<RawResponse> {
  await using raw = await connectRaw(api.url);
  await raw.write('GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n');
  const first = await raw.until(hasWholeResponse);
  await raw.write(getHead(path, headers));
  return parseResponse(await raw.until((text) => text.includes('event: ready\n'), first.length));
}

/** The `access-control-*` headers and `vary` of a response. */
function corsOf(headers: Headers | Readonly<Record<string, string>>): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  return Object.fromEntries(entries.filter(([name]) => name.startsWith('access-control-') || name === 'vary'));
}

describe('CORS with origins configured', () => {
  let api: ApiFixture;
  let conversation: string;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    api = await startApi({ authTokens: new Map([[TOKEN, 'alice']]), corsOrigins: [`${ALLOWED}/`] });
    conversation = await api.createConversation(TOKEN);
  });
  afterAll(async () => {
    await api.close();
  });

  it('grants the preflight of an allowed origin, for a JSON endpoint and for an event stream', async () => {
    for (const [path, method] of [
      ['/v1/conversations', 'POST'],
      [`/v1/conversations/${conversation}`, 'PATCH'],
      [`/v1/conversations/${conversation}`, 'DELETE'],
      [`/v1/conversations/${conversation}/events`, 'GET'],
      ['/v1/account/events', 'GET'],
    ] as const) {
      const response = await preflight(api, path, ALLOWED, method, 'authorization, content-type, last-event-id');
      expect(response.status, path).toBe(204);
      const headers = corsOf(response.headers);
      expect(headers['access-control-allow-origin'], path).toBe(ALLOWED);
      expect(headers['access-control-allow-methods']?.split(', '), path).toContain(method);
      expect(headers['access-control-allow-headers']?.split(', '), path).toEqual(
        expect.arrayContaining(['authorization', 'content-type', 'last-event-id']),
      );
      expect(headers.vary, path).toContain('Origin');
      expect(Number(headers['access-control-max-age']), path).toBeGreaterThan(0);
    }
  });

  it('refuses the preflight of any other origin, with no grant and a sentence saying why', async () => {
    for (const path of ['/v1/conversations', `/v1/conversations/${conversation}/events`]) {
      const response = await preflight(api, path, OTHER, 'GET', 'authorization');
      expect(response.status, path).toBe(400);
      expect(response.headers.get('access-control-allow-origin'), path).toBeNull();
      expect(response.headers.get('access-control-allow-methods'), path).toBeNull();
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message).toContain(`The origin ${OTHER} may not call this daemon`);
    }
  });

  it('grants the JSON endpoints’ responses, errors included, to the allowed origin only', async () => {
    const created = await api.request('POST', '/v1/conversations', {
      body: {},
      token: TOKEN,
      headers: { origin: ALLOWED },
    });
    expect(created.status).toBe(201);
    expect(corsOf(created.headers)).toEqual({
      'access-control-allow-origin': ALLOWED,
      'access-control-expose-headers': 'x-vercel-ai-ui-message-stream',
      vary: 'Origin',
    });
    const unauthorized = await api.request('GET', '/v1/conversations', { headers: { origin: ALLOWED } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const page = await api.request('GET', `/v1/conversations/${conversation}/events`, {
      token: TOKEN,
      headers: { origin: ALLOWED },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('access-control-allow-origin')).toBe(ALLOWED);

    const other = await api.request('GET', '/v1/conversations', { token: TOKEN, headers: { origin: OTHER } });
    expect(other.status).toBe(200);
    expect(corsOf(other.headers)).toEqual({ vary: 'Origin' });
  });

  it('writes the grant on the head of an event stream, on the raw socket and on node:http’s path', async () => {
    const path = `/v1/conversations/${conversation}/events`;
    const before = await api.streamsOpened();
    const headers = { ...auth, origin: ALLOWED, 'last-event-id': '0' };
    for (const response of [await rawStream(api, path, headers), await httpStream(api, path, headers)]) {
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(corsOf(response.headers)).toEqual({
        'access-control-allow-origin': ALLOWED,
        'access-control-expose-headers': 'x-vercel-ai-ui-message-stream',
        vary: 'Origin',
      });
    }
    const account = await rawStream(api, `/v1/account/events?token=${TOKEN}`, { origin: ALLOWED });
    expect(account.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(await api.streamsOpened()).toEqual({ socket: before.socket + 2, http: before.http + 1 });
  });

  it('writes no grant on the event stream of another origin', async () => {
    const path = `/v1/conversations/${conversation}/events`;
    for (const response of [
      await rawStream(api, path, { ...auth, origin: OTHER }),
      await httpStream(api, path, { ...auth, origin: OTHER }),
    ]) {
      expect(response.status).toBe(200);
      expect(corsOf(response.headers)).toEqual({ vary: 'Origin' });
    }
  });

  it('grants the refusals of event-stream requests too, whichever path saw them first', async () => {
    const cases = [
      ['no token', `/v1/conversations/${conversation}/events`, {}, 401],
      ['a bad Last-Event-ID', `/v1/conversations/${conversation}/events`, { ...auth, 'last-event-id': '-1' }, 400],
      ['an unknown conversation', '/v1/conversations/nope/events', auth, 404],
      ['a broken percent-encoding', '/v1/conversations/%zz/events', auth, 400],
    ] as const;
    for (const [name, path, headers, status] of cases) {
      await using raw = await connectRaw(api.url);
      await raw.write(getHead(path, { ...headers, origin: ALLOWED }));
      const response = parseResponse(await raw.until(hasWholeResponse));
      expect(response.status, name).toBe(status);
      expect(response.headers['access-control-allow-origin'], name).toBe(ALLOWED);
      // The same on a keep-alive connection's later request: node:http's path.
      const from = raw.received.length;
      await raw.write(getHead(path, { ...headers, origin: ALLOWED }));
      const again = parseResponse(await raw.until(hasWholeResponse, from));
      expect(again.status, name).toBe(status);
      expect(again.headers['access-control-allow-origin'], name).toBe(ALLOWED);
    }
  });

  it('writes the grant on a stream Fastify’s route serves (app.inject), through the reply’s headers', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: `/v1/conversations/${conversation}/events`,
      headers: { ...auth, accept: 'text/event-stream', origin: ALLOWED },
      payloadAsStream: true,
    });
    response.stream().destroy();
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });
});

describe('CORS without origins configured', () => {
  let api: ApiFixture;
  let conversation: string;

  beforeAll(async () => {
    api = await startApi();
    conversation = await api.createConversation();
  });
  afterAll(async () => {
    await api.close();
  });

  it('sends no CORS header at all, and answers a preflight as an unknown endpoint, as before', async () => {
    const response = await preflight(api, '/v1/conversations', ALLOWED, 'POST', 'content-type');
    expect(response.status).toBe(404);
    expect(corsOf(response.headers)).toEqual({});
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'There is no OPTIONS /v1/conversations endpoint; see docs/PROTOCOL.md.',
    );
    const list = await api.request('GET', '/v1/conversations', { headers: { origin: ALLOWED } });
    expect(corsOf(list.headers)).toEqual({});
    const path = `/v1/conversations/${conversation}/events`;
    for (const stream of [
      await rawStream(api, path, { origin: ALLOWED }),
      await httpStream(api, path, { origin: ALLOWED }),
    ]) {
      expect(stream.status).toBe(200);
      expect(corsOf(stream.headers)).toEqual({});
    }
  });

  it('writes the raw stream’s head byte for byte as before', async () => {
    await using raw = await connectRaw(api.url);
    await raw.write(getHead(`/v1/conversations/${conversation}/events`, { origin: ALLOWED }));
    const text = await raw.until((received) => received.includes('\r\n\r\n'));
    expect(text.slice(0, text.indexOf('Date: '))).toBe(
      'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache, no-transform\r\nconnection: close\r\nx-accel-buffering: no\r\n',
    );
  });
});

describe('corsOrigins', () => {
  it('refuses "*" on a server without auth tokens, and a value that is no origin, when the server is made', async () => {
    const log = openSqliteEventLog({ path: ':memory:' });
    try {
      expect(() => createOnceServer({ log, logKind: 'sqlite', corsOrigins: ['*'] })).toThrow(
        /"\*" lets every web page call the daemon, so it needs auth tokens/,
      );
      expect(() => createOnceServer({ log, logKind: 'sqlite', corsOrigins: ['example.com'] })).toThrow(
        /"example.com" has no scheme/,
      );
    } finally {
      await log.close();
    }
  });

  it('grants "*" to every origin of a server with auth tokens', async () => {
    await using api = await startApi({ authTokens: new Map([[TOKEN, 'alice']]), corsOrigins: ['*'] });
    const response = await preflight(api, '/v1/account/events', OTHER, 'GET', 'authorization, last-event-id');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const stream = await rawStream(api, `/v1/account/events?token=${TOKEN}`, { origin: OTHER });
    expect(stream.headers['access-control-allow-origin']).toBe('*');
  });
});
