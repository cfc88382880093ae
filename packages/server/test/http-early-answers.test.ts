// Requests the daemon answers before their body has arrived (a refusal, an unknown route, a
// preflight) on connections the client asked to close: the client reads the answer, never a
// reset, however slowly it sends the rest. Found by the HTTP fuzz test, twice.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApi } from './support/api-fixture.ts';

const MAX_BODY_BYTES = 200_000;
const UNKNOWN_ID = '019a5b1e-2f00-7c3a-9b1d-4e5f60718293';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * Sends with node:http on a connection of its own (`Connection: close`), as the fuzz test
 * does; an error on the connection at any time, even after the answer, fails it.
 */
function sendOnItsOwnConnection(
  url: string,
  method: string,
  path: string,
  body: string,
  extraHeaders: Readonly<Record<string, string>> = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    const headers = { 'content-type': 'application/json', ...extraHeaders };
    let answer: Answer | undefined;
    const request = httpRequest(new URL(path, url), { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        answer = { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() };
      });
    });
    request.on('error', reject);
    request.on('close', () =>
      setImmediate(() => (answer === undefined ? reject(new Error('no answer')) : resolve(answer))),
    );
    request.end(body);
  });
}

/**
 * A client whose process stalls mid-upload: it sends the head and the start of a body, reads
 * nothing for `stallMs`, then sends the rest and reads what came back. Resolves with all it
 * read; rejects on a reset (which throws away an answer not read yet).
 */
function uploadWithAStall(url: string, method: string, path: string, bodyBytes: number, stallMs: number) {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.pause();
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
    const head = `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${bodyBytes}\r\n\r\n`;
    const start = 64 * 1024;
    socket.write(head + 'x'.repeat(start));
    setTimeout(() => {
      socket.end('x'.repeat(bodyBytes - start));
      socket.resume();
    }, stallMs);
  });
}

describe('answers given before the request body arrived', () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await startApi({ maxBodyBytes: MAX_BODY_BYTES });
  });

  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['POST', '/v1/conversations'],
    ['POST', `/v1/conversations/${UNKNOWN_ID}/messages`],
  ])(
    '%s %s with a body far over the limit → 413 the client reads',
    async (method, path) => {
      const body = JSON.stringify({ content: 'x'.repeat(MAX_BODY_BYTES * 50) });
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => sendOnItsOwnConnection(api.url, method, path, body)),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.body).error.code).toBe('payload_too_large');
      }
      expect((await api.request('GET', '/v1/health')).status).toBe(200);
    },
    30_000,
  );

  it.each([
    ['OPTIONS', `/v1/conversations/${UNKNOWN_ID}?after=-1&limit=0`],
    ['OPTIONS', '/v1/nowhere'],
    ['PUT', '/v1/conversations'],
    ['DELETE', `/v1/conversations/${UNKNOWN_ID}`],
  ])(
    '%s %s with a large body and an origin → a 4xx the client reads',
    async (method, path) => {
      const body = JSON.stringify({ content: 'x'.repeat(MAX_BODY_BYTES * 5) });
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => sendOnItsOwnConnection(api.url, method, path, body, { origin: 'null' })),
      );
      for (const answer of answers) {
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(JSON.parse(answer.body).error.message.length).toBeGreaterThan(10);
      }
      expect((await api.request('GET', '/v1/health')).status).toBe(200);
    },
    30_000,
  );

  // The daemon went on reading a closed connection for 2 s at most, then reset it: a client
  // descheduled for longer on a busy machine lost the answer to EPIPE.
  it.each([
    ['OPTIONS', '/v1/nowhere'],
    ['POST', '/v1/conversations'],
  ])(
    '%s %s with a body over the limit, from a client that stalls 3 s mid-upload → 413 it reads',
    async (method, path) => {
      const read = await uploadWithAStall(api.url, method, path, MAX_BODY_BYTES * 5, 3_000);
      expect(read).toMatch(/^HTTP\/1\.1 413 /);
      expect((await api.request('GET', '/v1/health')).status).toBe(200);
    },
    30_000,
  );
});
