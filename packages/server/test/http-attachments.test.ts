import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { tinyPng } from '@once/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiFixture, startApi } from './support/api-fixture.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const png = tinyPng();

describe('attachments over HTTP', () => {
  let api: ApiFixture;
  const upload = async (bytes: Uint8Array | string, mediaType: string, query = '', token = 't-alice') => {
    const response = await fetch(`${api.url}/v1/attachments${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(mediaType === '' ? {} : { 'content-type': mediaType }) },
      // A Buffer, so that fetch adds no Content-Type of its own.
      body: Buffer.from(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the test reads JSON bodies
    return { status: response.status, body: (await response.json()) as any };
  };
  /** Every file the store holds, blobs and records, so a refused request is seen to write nothing. */
  const storedFiles = async () =>
    (await readdir(join(api.directory, 'attachments'), { recursive: true })).filter((path) => path !== 'incoming');

  beforeAll(async () => {
    api = await startApi({
      authTokens: new Map([
        ['t-alice', 'alice'],
        ['t-bob', 'bob'],
      ]),
      // JSON bodies are held to less than a file may be: the two limits are apart.
      maxBodyBytes: 16 * 1024,
      attachments: { maxBytes: 64 * 1024 },
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it('stores an upload by its SHA-256 and serves it back with its type, for the same token or ?token=', async () => {
    const created = await upload(png, 'image/png', '?name=dot%20%C3%A9t%C3%A9.png');
    expect(created).toEqual({
      status: 201,
      body: { attachment: { hash: sha256(png), size: png.byteLength, mediaType: 'image/png', name: 'dot été.png' } },
    });
    const again = await upload(png, 'image/png');
    expect(again.status).toBe(200);
    expect(again.body.attachment.hash).toBe(sha256(png));

    const head = await fetch(`${api.url}/v1/attachments/${sha256(png)}?token=t-alice`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(png.byteLength));
    expect(head.headers.get('content-type')).toBe('image/png');
    expect(await head.text()).toBe('');

    for (const served of [
      await fetch(`${api.url}/v1/attachments/${sha256(png)}`, { headers: { authorization: 'Bearer t-alice' } }),
      await fetch(`${api.url}/v1/attachments/${sha256(png)}?token=t-alice`),
    ]) {
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer())).toEqual(Buffer.from(png));
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(served.headers.get('content-length')).toBe(String(png.byteLength));
      expect(served.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      expect(served.headers.get('etag')).toBe(`"${sha256(png)}"`);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-disposition')).toBe(
        `inline; filename="dot _t_.png"; filename*=UTF-8''dot%20%C3%A9t%C3%A9.png`,
      );
    }
  });

  it('takes a file larger than the JSON body limit, up to its own limit', async () => {
    const big = new Uint8Array(60 * 1024).fill(0x63);
    const stored = await upload(big, 'text/csv');
    expect(stored.status).toBe(201);
    expect(stored.body.attachment.size).toBe(60 * 1024);
  });

  it('opens the user message with the attachments a send names, and gives the turn their bytes', async () => {
    const notes = await upload('# Notes\nsecond line', 'text/markdown', '?name=notes.md');
    const { hash: pngHash } = (await upload(png, 'image/png')).body.attachment;
    const conversation = await api.createConversation('t-alice');
    const sent = await api.request('POST', `/v1/conversations/${conversation}/messages`, {
      token: 't-alice',
      body: { content: '', attachments: [{ hash: pngHash, name: 'chart.png' }, { hash: notes.body.attachment.hash }] },
    });
    expect(sent.status).toBe(202);
    const snapshot = await api.settled(conversation, 'alice');
    const user = snapshot.messages.find((message) => message.role === 'user');
    expect(user?.attachments).toEqual([
      { hash: pngHash, size: png.byteLength, mediaType: 'image/png', name: 'chart.png' },
      { hash: notes.body.attachment.hash, size: 19, mediaType: 'text/markdown', name: 'notes.md' },
    ]);
    // The title comes from the first file when the message has no text.
    const listed = await api.request('GET', '/v1/conversations', { token: 't-alice' });
    expect(listed.body.conversations[0].title).toBe('chart.png');
    expect(Buffer.from(api.runner.attachmentsRead.get(pngHash) ?? [])).toEqual(Buffer.from(png));
  });

  it.each([
    [
      'a media type not allowed',
      () => upload('<svg/>', 'image/svg+xml'),
      415,
      'unsupported_media_type',
      /image\/svg\+xml/,
    ],
    [
      'an unknown binary type',
      () => upload('hello', 'application/octet-stream'),
      415,
      'unsupported_media_type',
      /octet-stream/,
    ],
    ['no media type', () => upload('hello', ''), 415, 'unsupported_media_type', /Content-Type/],
    ['text sent as a PNG', () => upload('not a picture', 'image/png'), 415, 'unsupported_media_type', /image\/png/],
    [
      'bytes that are not UTF-8 sent as text',
      () => upload(new Uint8Array([0x68, 0xff, 0xfe]), 'text/plain'),
      415,
      'unsupported_media_type',
      /UTF-8/,
    ],
    [
      'a file over the limit',
      () => upload(new Uint8Array(64 * 1024 + 1), 'text/plain'),
      413,
      'payload_too_large',
      /65536 bytes/,
    ],
    ['an empty file', () => upload('', 'text/plain'), 400, 'invalid_request', /empty/],
    ['a name with a control character', () => upload('x', 'text/plain', '?name=a%0Ab'), 400, 'invalid_request', /name/],
    ['no token', () => upload('x', 'text/plain', '', 'nobody'), 401, 'unauthorized', /token/],
  ] as const)('refuses %s with a clear error and stores nothing', async (_name, send, status, code, words) => {
    const before = await storedFiles();
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toMatch(words);
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a file over the limit as it streams in, when no Content-Length announced it', async () => {
    const before = await storedFiles();
    const big = new Uint8Array(200 * 1024).fill(0x61);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < big.byteLength; at += 16_384) controller.enqueue(big.subarray(at, at + 16_384));
        controller.close();
      },
    });
    const response = await fetch(`${api.url}/v1/attachments`, {
      method: 'POST',
      headers: { authorization: 'Bearer t-alice', 'content-type': 'text/plain' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await storedFiles()).toEqual(before);
  });

  it('keeps nothing of an upload whose client goes away halfway', async () => {
    const before = await storedFiles();
    const bytes = new Uint8Array(40_000).fill(0x62);
    const { port } = new URL(api.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /v1/attachments?name=cut.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t-alice\r\nContent-Type: text/plain\r\nContent-Length: ${bytes.byteLength}\r\n\r\n`,
    );
    socket.write(bytes.subarray(0, 20_000));
    // The server has the first half on disk in incoming/ when the client vanishes.
    await vi.waitFor(
      async () => expect(await readdir(join(api.directory, 'attachments', 'incoming'))).toHaveLength(1),
      {
        timeout: 10_000,
      },
    );
    socket.destroy();
    await vi.waitFor(async () => expect(await readdir(join(api.directory, 'attachments', 'incoming'))).toEqual([]), {
      timeout: 10_000,
    });
    expect(await storedFiles()).toEqual(before);
    const whole = await upload(bytes, 'text/plain');
    expect(whole.status).toBe(201);
  }, 30_000);

  it('serves an account only what it uploaded, and refuses a send naming a hash it did not upload', async () => {
    const { hash } = (await upload('alice only', 'text/plain')).body.attachment;
    const asBob = await api.request('GET', `/v1/attachments/${hash}`, { token: 't-bob' });
    expect(asBob.status).toBe(404);
    expect(asBob.body.error.code).toBe('not_found');
    const malformed = await api.request('GET', '/v1/attachments/ABC', { token: 't-alice' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/64 lowercase hexadecimal/);

    const conversation = await api.createConversation('t-bob');
    const head = await api.conversationHead(conversation);
    const sent = await api.request('POST', `/v1/conversations/${conversation}/messages`, {
      token: 't-bob',
      body: { content: 'look', attachments: [{ hash }] },
    });
    expect(sent.status).toBe(400);
    expect(sent.body.error.code).toBe('invalid_request');
    expect(sent.body.error.message).toContain(hash);
    expect(sent.body.error.message).toMatch(/upload the file first/);
    expect(await api.conversationHead(conversation)).toBe(head);
  });

  it('still refuses a send with neither text nor attachments', async () => {
    const conversation = await api.createConversation('t-alice');
    const sent = await api.request('POST', `/v1/conversations/${conversation}/messages`, {
      token: 't-alice',
      body: { content: ' ', attachments: [] },
    });
    expect(sent.status).toBe(400);
    expect(sent.body.error.message).toMatch(/content must not be empty/);
  });
});
