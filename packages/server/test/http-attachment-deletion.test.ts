import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tinyPng } from '@once/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, startApi } from './support/api-fixture.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const png = tinyPng();
const HOUR = 3_600_000;

describe('attachments go when nothing references them', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi({
      authTokens: new Map([
        ['t-alice', 'alice'],
        ['t-bob', 'bob'],
      ]),
      attachments: {},
    });
  });
  afterEach(async () => {
    await api.close();
  });

  const upload = async (bytes: Uint8Array, token = 't-alice') => {
    const response = await fetch(`${api.url}/v1/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      body: Buffer.from(bytes),
    });
    expect(response.status).toBeLessThan(300);
  };
  const served = async (hash: string, token = 't-alice') =>
    (await fetch(`${api.url}/v1/attachments/${hash}`, { headers: { authorization: `Bearer ${token}` } })).status;
  const send = (conversation: string, hash: string, token = 't-alice') =>
    api.request('POST', `/v1/conversations/${conversation}/messages`, {
      token,
      body: { content: 'look', attachments: [{ hash }] },
    });
  const blobs = async () =>
    (await readdir(join(api.directory, 'attachments', 'blobs'), { recursive: true })).filter((path) =>
      /^[0-9a-f]{2}\/[0-9a-f]{62}$/.test(path),
    );
  const deleteConversation = (conversation: string, token = 't-alice') =>
    api.request('DELETE', `/v1/conversations/${conversation}`, { token });

  it('keeps a file while any conversation sent with it remains, and deletes it and its bytes with the last', async () => {
    await upload(png);
    const hash = sha256(png);
    const first = await api.createConversation('t-alice');
    const second = await api.createConversation('t-alice');
    expect((await send(first, hash)).status).toBe(202);
    expect((await send(second, hash)).status).toBe(202);
    await api.settled(first, 'alice');
    await api.settled(second, 'alice');

    expect((await deleteConversation(first)).status).toBe(204);
    expect(await served(hash)).toBe(200);
    // No grace period holds a file a message named: sweeping far in the future keeps it.
    await api.server.sweepAttachments(new Date(Date.now() + HOUR));
    expect(await served(hash)).toBe(200);

    expect((await deleteConversation(second)).status).toBe(204);
    expect(await served(hash)).toBe(404);
    expect(await blobs()).toEqual([]);
    // Sending it now is refused, naming the hash: the file is gone, and the user is told.
    const third = await api.createConversation('t-alice');
    const refused = await send(third, hash);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(hash);
  });

  it('keeps an unsent upload through the grace period and sweeps it after', async () => {
    await upload(png);
    const hash = sha256(png);
    expect(await api.server.sweepAttachments(new Date(Date.now() - HOUR))).toEqual({
      conversations: 0,
      records: 0,
      blobs: 0,
    });
    expect(await served(hash)).toBe(200);
    expect(await api.server.sweepAttachments(new Date(Date.now() + HOUR))).toEqual({
      conversations: 0,
      records: 1,
      blobs: 1,
    });
    expect(await served(hash)).toBe(404);
    expect(await blobs()).toEqual([]);
  });

  it("deletes only the account's own record: another account's upload of the same bytes keeps them", async () => {
    await upload(png, 't-alice');
    await upload(png, 't-bob');
    const hash = sha256(png);
    const conversation = await api.createConversation('t-alice');
    expect((await send(conversation, hash)).status).toBe(202);
    await api.settled(conversation, 'alice');
    await deleteConversation(conversation);
    expect(await served(hash, 't-alice')).toBe(404);
    expect(await served(hash, 't-bob')).toBe(200);
    expect(await blobs()).toHaveLength(1);
  });

  it('removes the files of a conversation retention expires, as a delete does', async () => {
    await upload(png);
    const hash = sha256(png);
    const conversation = await api.createConversation('t-alice');
    expect((await send(conversation, hash)).status).toBe(202);
    await api.settled(conversation, 'alice');
    expect((await api.server.expire(new Date(Date.now() + HOUR))).conversations).toBe(1);
    expect(await served(hash)).toBe(404);
    expect(await blobs()).toEqual([]);
  });

  it('notes nothing for a send to a conversation that is not the account’s: its 404 leaves the upload unsent', async () => {
    await upload(png, 't-bob');
    const hash = sha256(png);
    const alices = await api.createConversation('t-alice');
    expect((await send(alices, hash, 't-bob')).status).toBe(404);
    expect(await api.server.sweepAttachments(new Date(Date.now() + HOUR))).toEqual({
      conversations: 0,
      records: 1,
      blobs: 1,
    });
  });

  it('DELETE /v1/attachments/:hash deletes an unsent upload: 204, then 404; 409 once a message sent it', async () => {
    await upload(png);
    const hash = sha256(png);
    const removed = await api.request('DELETE', `/v1/attachments/${hash}`, { token: 't-alice' });
    expect(removed.status).toBe(204);
    expect(await served(hash)).toBe(404);
    expect(await blobs()).toEqual([]);
    expect((await api.request('DELETE', `/v1/attachments/${hash}`, { token: 't-alice' })).status).toBe(404);

    await upload(png);
    const conversation = await api.createConversation('t-alice');
    expect((await send(conversation, hash)).status).toBe(202);
    await api.settled(conversation, 'alice');
    const refused = await api.request('DELETE', `/v1/attachments/${hash}`, { token: 't-alice' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({ code: 'conflict', message: expect.stringContaining(hash) });
    expect(await served(hash)).toBe(200);
    // Another account cannot delete Alice's file: it has none.
    expect((await api.request('DELETE', `/v1/attachments/${hash}`, { token: 't-bob' })).status).toBe(404);
    expect((await api.request('DELETE', '/v1/attachments/not-a-hash', { token: 't-alice' })).status).toBe(400);
  });
});
