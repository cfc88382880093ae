import { createHash } from 'node:crypto';
import { isOnceError } from '@once/protocol';
import { createPostgresTestSchema, startDaemon, stopLeftoverDaemons, tinyPng } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../src/create-client.ts';
import { createConversation, DEMO_FLAGS, expectStoreToEqual, waitUntilQuiet } from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

const AUTH = ['--auth-tokens', 't-alice=alice', '--attachment-max-bytes', '100000'];

async function refusal(action: Promise<unknown>) {
  try {
    await action;
  } catch (error) {
    if (isOnceError(error)) return { code: error.code, status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each([
  ['SQLite', async () => ({ flags: [] as string[], [Symbol.asyncDispose]: async () => {} })],
  [
    'PostgreSQL',
    async () => {
      const schema = await createPostgresTestSchema();
      return { flags: ['--database-url', schema.url], [Symbol.asyncDispose]: () => schema.drop() };
    },
  ],
])('attachments through the client, daemon on %s', (_store, storage) => {
  it('uploads a file, sends it with a message, shows it at once, and serves it after a kill -9 and restart', async () => {
    await using store = await storage();
    await using daemon = await startDaemon({ flags: [...DEMO_FLAGS, ...AUTH, ...store.flags] });
    const client = createClient({ baseUrl: daemon.url, token: 't-alice' });
    const png = tinyPng(4, 3);
    const attachment = await client.uploadAttachment(png, { mediaType: 'image/png', name: 'dots.png' });
    expect(attachment).toEqual({
      hash: createHash('sha256').update(png).digest('hex'),
      size: png.byteLength,
      mediaType: 'image/png',
      name: 'dots.png',
    });
    expect(await client.uploadAttachment(new Blob([png]), { mediaType: 'image/png' })).toMatchObject({
      hash: attachment.hash,
    });

    const conversationId = await createConversation(daemon.url, 't-alice');
    const conversation = client.conversation(conversationId);
    try {
      const sending = conversation.send('', { attachments: [attachment] });
      // Shown before the daemon confirms it, with its file.
      expect(conversation.store.getSnapshot().pending[0]?.attachments).toEqual([attachment]);
      await sending;
      const served = await waitUntilQuiet(daemon.url, conversationId, 't-alice');
      await expectStoreToEqual(conversation, served);
      expect(served.messages[0]?.attachments).toEqual([attachment]);
    } finally {
      conversation.close();
      await conversation.closed;
    }

    await daemon.kill('SIGKILL');
    await daemon.restart();
    const restarted = createClient({ baseUrl: daemon.url, token: 't-alice' });
    const response = await fetch(restarted.attachmentUrl(attachment.hash));
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(png));
    client.close();
    restarted.close();
  }, 60_000);

  it('deletes an upload not sent yet; refuses one a message sent, and one it has none of, changing nothing', async () => {
    await using store = await storage();
    await using daemon = await startDaemon({ flags: [...DEMO_FLAGS, ...AUTH, ...store.flags] });
    const client = createClient({ baseUrl: daemon.url, token: 't-alice' });
    const unsent = await client.uploadAttachment(tinyPng(2, 2), { mediaType: 'image/png' });
    const sent = await client.uploadAttachment(tinyPng(3, 3), { mediaType: 'image/png' });
    const conversationId = await createConversation(daemon.url, 't-alice');
    const conversation = client.conversation(conversationId);
    try {
      await conversation.send('With a file', { attachments: [sent] });
    } finally {
      conversation.close();
      await conversation.closed;
    }

    await client.deleteAttachment(unsent.hash);
    expect((await fetch(client.attachmentUrl(unsent.hash))).status).toBe(404);
    expect(await refusal(client.deleteAttachment(unsent.hash))).toMatchObject({ code: 'not_found', status: 404 });
    expect(await refusal(client.deleteAttachment(sent.hash))).toMatchObject({ code: 'conflict', status: 409 });
    expect((await fetch(client.attachmentUrl(sent.hash))).status).toBe(200);
    client.close();
  }, 60_000);

  it('refuses a file too large or of a type the daemon does not take, with the daemon’s own error', async () => {
    await using store = await storage();
    await using daemon = await startDaemon({ flags: [...AUTH, ...store.flags] });
    const client = createClient({ baseUrl: daemon.url, token: 't-alice' });
    expect(await refusal(client.uploadAttachment(new Uint8Array(100_001), { mediaType: 'text/plain' }))).toMatchObject({
      code: 'payload_too_large',
      status: 413,
    });
    expect(
      await refusal(client.uploadAttachment(new Uint8Array([1, 2]), { mediaType: 'application/zip' })),
    ).toMatchObject({
      code: 'unsupported_media_type',
      status: 415,
      message: expect.stringContaining('application/zip'),
    });
    client.close();
  }, 60_000);
});
