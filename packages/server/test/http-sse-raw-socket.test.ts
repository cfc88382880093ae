import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HEAD_TIMEOUT_MS } from '../src/event-stream/event-stream-server.ts';
import { type ApiFixture, startApi } from './support/api-fixture.ts';
import { connectRaw, getHead, hasWholeResponse, parseResponse, type RawConnection } from './support/raw-connection.ts';
import { parseFrames, type SseFrame } from './support/sse-reader.ts';

// A fresh connection's event stream is served on the raw socket (event-stream/event-stream-server.ts);
// anything unusual goes to node:http. Every test counts which path served it through the
// once_sse_streams_opened_total metric.
let api: ApiFixture;
let id: string;
let head: number;
beforeAll(async () => {
  api = await startApi({ heartbeatMs: 50 });
  id = await api.createConversation();
  await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'Hello there' } });
  await api.settled(id);
  head = await api.conversationHead(id);
});
afterAll(async () => {
  await api.close();
});

const path = () => `/v1/conversations/${id}/events`;
const bodyOf = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4);
const framesOf = (text: string) => parseFrames(bodyOf(text));
const hasReady = (text: string) => text.includes('event: ready\n');
const offsetsOf = (frames: readonly SseFrame[]) => frames.filter((frame) => frame.id).map((frame) => Number(frame.id));
const oneTo = (last: number, first = 1) => Array.from({ length: last - first + 1 }, (_, index) => index + first);

/** Runs `act` and returns how many streams each path opened meanwhile. */
async function opened(act: () => Promise<void>): Promise<{ socket: number; http: number }> {
  const before = await api.streamsOpened();
  await act();
  const after = await api.streamsOpened();
  return { socket: after.socket - before.socket, http: after.http - before.http };
}

describe('event streams on a raw socket', () => {
  it('serves a fresh connection raw: node:http’s headers, a close-delimited body, replay, ready, heartbeats, live events', async () => {
    let raw: RawConnection | undefined;
    const paths = await opened(async () => {
      raw = await connectRaw(api.url);
      await raw.write(getHead(path()));
      await raw.until(hasReady);
    });
    await using connection = raw as RawConnection;
    expect(paths).toEqual({ socket: 1, http: 0 });
    const response = parseResponse(connection.received);
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'close',
    });
    expect(Date.parse(response.headers.date ?? '')).not.toBeNaN();
    expect(response.headers['transfer-encoding']).toBeUndefined();
    expect(response.headers['content-length']).toBeUndefined();
    const frames = framesOf(connection.received);
    expect(frames[0]?.retry).toBe('1000');
    expect(offsetsOf(frames)).toEqual(oneTo(head));
    expect(JSON.parse(frames.find((frame) => frame.event === 'ready')?.data ?? '')).toEqual({ offset: head });

    const from = connection.received.length;
    await connection.until((text) => text.includes(`: sent ${head}\n\n`), from);
    await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'And again' } });
    const { offset } = await api.settled(id);
    await connection.until((text) => text.includes(`id: ${offset}\n`), from);
    expect(offsetsOf(framesOf(connection.received))).toEqual(oneTo(offset));
    head = offset;
  });

  it('reads a head sent one byte per TCP segment', async () => {
    await using raw = await connectRaw(api.url);
    const paths = await opened(async () => {
      await raw.writeByteByByte(getHead(path(), { 'last-event-id': '1' }));
      await raw.until(hasReady);
    });
    expect(paths).toEqual({ socket: 1, http: 0 });
    expect(offsetsOf(framesOf(raw.received))).toEqual(oneTo(head, 2));
  });

  it('leaves a head slower than its timeout to node:http, which serves the stream', async () => {
    await using raw = await connectRaw(api.url);
    const whole = getHead(path());
    const paths = await opened(async () => {
      await raw.write(whole.slice(0, 20));
      await sleep(HEAD_TIMEOUT_MS + 300);
      await raw.write(whole.slice(20));
      await raw.until(hasReady);
    });
    expect(paths).toEqual({ socket: 0, http: 1 });
    expect(parseResponse(raw.received).headers['transfer-encoding']).toBe('chunked');
  });

  it('resumes after Last-Event-ID, and ?after= wins when both are sent', async () => {
    const paths = await opened(async () => {
      await using resumed = await connectRaw(api.url);
      await resumed.write(getHead(path(), { 'Last-Event-ID': '2' }));
      await resumed.until(hasReady);
      expect(offsetsOf(framesOf(resumed.received))).toEqual(oneTo(head, 3));

      await using both = await connectRaw(api.url);
      await both.write(getHead(`${path()}?after=5`, { 'Last-Event-ID': '2' }));
      await both.until(hasReady);
      expect(offsetsOf(framesOf(both.received))).toEqual(oneTo(head, 6));
    });
    expect(paths).toEqual({ socket: 2, http: 0 });
  });

  it('answers a cursor beyond the head with reset, then closes the connection', async () => {
    await using raw = await connectRaw(api.url);
    await raw.write(getHead(`${path()}?after=${head + 50}`));
    const frames = framesOf(await raw.closed());
    expect(frames.map((frame) => frame.event ?? frame.retry)).toEqual(['reset']);
    expect(JSON.parse(frames[0]?.data ?? '')).toEqual({ offset: head });
  });

  it('serves an HTTP/1.0 head raw too', async () => {
    await using raw = await connectRaw(api.url);
    const paths = await opened(async () => {
      await raw.write(getHead(path(), {}, '1.0'));
      await raw.until(hasReady);
    });
    expect(paths).toEqual({ socket: 1, http: 0 });
  });

  it('on a keep-alive socket, serves a JSON request and then an event stream through node:http', async () => {
    await using raw = await connectRaw(api.url);
    await raw.write(`GET /v1/conversations/${id} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    const page = parseResponse(await raw.until(hasWholeResponse));
    expect(page.status).toBe(200);
    expect(JSON.parse(page.body).offset).toBe(head);
    const from = raw.received.length;
    const paths = await opened(async () => {
      await raw.write(getHead(path(), { 'last-event-id': String(head - 1) }));
      await raw.until(hasReady, from);
    });
    expect(paths).toEqual({ socket: 0, http: 1 });
    const stream = parseResponse(raw.received.slice(from));
    expect(stream.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    expect(stream.headers['transfer-encoding']).toBe('chunked');
    expect(stream.body).toContain(`id: ${head}\n`);
  });

  it('forgets a raw stream once its client leaves', async () => {
    const open = () => api.request('GET', '/v1/health').then((response) => response.body.sseConnections as number);
    await vi.waitFor(async () => expect(await open()).toBe(0));
    const raw = await connectRaw(api.url);
    await raw.write(getHead(path()));
    await raw.until(hasReady);
    expect(await open()).toBe(1);
    await raw.close();
    await vi.waitFor(async () => expect(await open()).toBe(0));
  });
});

describe('heads the raw reader leaves to node:http', () => {
  const sseHead = (extra: string) =>
    `GET /v1/account/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n${extra}\r\n`;
  // node:http (through Fastify's clientError answer) refuses these, and closes.
  it.each([
    ['too large a head', sseHead(`X-Big: ${'a'.repeat(20_000)}\r\n`), 431],
    ['an obs-fold', sseHead('X-Folded: a\r\n b\r\n'), 400],
    ['a space before a colon', sseHead('Accept : text/event-stream\r\n'), 400],
    ['a control character', sseHead('X-Odd: a\u0001b\r\n'), 400],
    ['no Host on HTTP/1.1', 'GET /v1/account/events HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n', 400],
    ['a lowercase method', 'get /v1/account/events HTTP/1.1\r\nHost: localhost\r\n\r\n', 400],
    ['TLS', '\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003', 400],
  ])('%s: node:http answers, and the daemon keeps serving', async (_name, bytes, status) => {
    await using raw = await connectRaw(api.url);
    const paths = await opened(async () => {
      await raw.write(bytes);
      expect(parseResponse(await raw.closed()).status).toBe(status);
    });
    expect(paths).toEqual({ socket: 0, http: 0 });
    await using next = await connectRaw(api.url);
    await next.write(getHead(path()));
    await next.until(hasReady);
  });

  // node:http accepts these, so the stream is served on its path.
  it.each([
    ['a header given twice', sseHead('X-Twice: 1\r\nX-Twice: 2\r\n')],
    ['Content-Length', sseHead('Content-Length: 0\r\n')],
    ['a head larger than the reader’s limit, within node:http’s', sseHead(`X-Big: ${'a'.repeat(9000)}\r\n`)],
    ['a pipelined request after the head', `${sseHead('')}GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n`],
  ])('%s: served through node:http', async (_name, bytes) => {
    await using raw = await connectRaw(api.url);
    const paths = await opened(async () => {
      await raw.write(bytes);
      await raw.until(hasReady);
    });
    expect(paths).toEqual({ socket: 0, http: 1 });
    expect(parseResponse(raw.received).headers['transfer-encoding']).toBe('chunked');
  });
});
