import { createHash } from 'node:crypto';
import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openPostgresAttachmentStore } from '@once/postgres';
import { createPostgresTestSchema, startDaemon, stopLeftoverDaemons, tinyPng } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation } from './daemon-api.ts';
import { postgresDaemonFlags } from './postgres-daemons.ts';

afterEach(stopLeftoverDaemons);

const png = tinyPng();
const hash = createHash('sha256').update(png).digest('hex');

const upload = async (url: string) => {
  const response = await fetch(`${url}/v1/attachments?name=passport.png`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: Buffer.from(png),
  });
  expect(response.status).toBe(201);
};
const served = async (url: string) => (await fetch(`${url}/v1/attachments/${hash}`)).status;
/** The files under `<data dir>/attachments/blobs`: the stored bytes. */
const blobs = async (dataDir: string) =>
  (await readdir(join(dataDir, 'attachments', 'blobs'), { recursive: true })).filter((path) => path.length > 10);

describe('a daemon deletes attachments nothing references', () => {
  /** Uploads, sends in two conversations, deletes them one after the other. */
  const sendTwiceThenDelete = async (url: string, bytesStored: () => Promise<boolean>) => {
    await upload(url);
    const [first, second] = [await createConversation(url), await createConversation(url)];
    for (const conversation of [first, second]) {
      const sent = await fetch(`${url}/v1/conversations/${conversation}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'Here is my passport.', attachments: [{ hash }] }),
      });
      expect(sent.status).toBe(202);
    }
    expect(await bytesStored()).toBe(true);

    expect((await fetch(`${url}/v1/conversations/${first}`, { method: 'DELETE' })).status).toBe(204);
    expect(await served(url)).toBe(200);
    expect((await fetch(`${url}/v1/conversations/${second}`, { method: 'DELETE' })).status).toBe(204);
    expect(await served(url)).toBe(404);
    expect(await bytesStored()).toBe(false);
  };

  it('keeps a file sent in two conversations until both are deleted, then its bytes leave the data dir', async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '1', '--demo-tokens', '5'] });
    await sendTwiceThenDelete(daemon.url, async () => (await blobs(daemon.dataDir)).length > 0);
  }, 60_000);

  it('does the same with --database-url: the bytes leave PostgreSQL', async () => {
    await using database = await createPostgresTestSchema();
    await using daemon = await startDaemon({ flags: postgresDaemonFlags(database.url, 1, 5) });
    const store = await openPostgresAttachmentStore({ url: database.url });
    try {
      await sendTwiceThenDelete(daemon.url, async () => (await store.open(hash)) !== undefined);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('deletes the file of a conversation deleted by a daemon that died before releasing it, once restarted', async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '1', '--demo-tokens', '5'] });
    await upload(daemon.url);
    const conversation = await createConversation(daemon.url);
    const sent = await fetch(`${daemon.url}/v1/conversations/${conversation}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Here is my passport.', attachments: [{ hash }] }),
    });
    expect(sent.status).toBe(202);
    await daemon.kill('SIGTERM');
    // What the attachments directory holds while the conversation references the file.
    const attachments = join(daemon.dataDir, 'attachments');
    const referenced = join(daemon.dataDir, 'attachments-referenced');
    await cp(attachments, referenced, { recursive: true });
    await daemon.restart();
    expect((await fetch(`${daemon.url}/v1/conversations/${conversation}`, { method: 'DELETE' })).status).toBe(204);
    await daemon.kill('SIGKILL');
    // The state a daemon killed after the delete and before the release leaves: the
    // conversation is gone from the log, its references and the bytes are still there.
    await rm(attachments, { recursive: true });
    await cp(referenced, attachments, { recursive: true });
    await rm(referenced, { recursive: true });
    await daemon.restart();
    // The restarted daemon releases what deleted conversations held, in the background: wait for it.
    while ((await served(daemon.url)) === 200) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await served(daemon.url)).toBe(404);
    expect(await blobs(daemon.dataDir)).toEqual([]);
  }, 60_000);

  it('does the same with --database-url: the restarted daemon deletes the bytes from PostgreSQL', async () => {
    await using database = await createPostgresTestSchema();
    await using daemon = await startDaemon({ flags: postgresDaemonFlags(database.url, 1, 5) });
    const conversation = await createConversation(daemon.url);
    expect((await fetch(`${daemon.url}/v1/conversations/${conversation}`, { method: 'DELETE' })).status).toBe(204);
    await daemon.kill('SIGKILL');
    // The rows a daemon killed after the delete and before the release leaves: the
    // account's record of the file, the deleted conversation's reference, the bytes.
    const store = await openPostgresAttachmentStore({ url: database.url });
    try {
      await store.put(
        'default',
        (async function* () {
          yield png;
        })(),
        { mediaType: 'image/png' },
      );
      await store.reference('default', conversation, [hash]);
      await daemon.restart();
      while ((await served(daemon.url)) === 200) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await served(daemon.url)).toBe(404);
      expect(await store.open(hash)).toBeUndefined();
    } finally {
      await store.close();
    }
  }, 60_000);

  it('sweeps an upload never sent once --attachment-grace has passed, also across a restart', async () => {
    await using daemon = await startDaemon({ flags: ['--attachment-grace', '2s'] });
    await upload(daemon.url);
    await daemon.kill('SIGTERM');
    await daemon.restart();
    // The sweep runs every grace period: wait for it, however busy the machine is.
    while ((await served(daemon.url)) === 200) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await served(daemon.url)).toBe(404);
    expect(await blobs(daemon.dataDir)).toEqual([]);
  }, 60_000);
});
