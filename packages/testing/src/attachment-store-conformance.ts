import { createHash, randomBytes } from 'node:crypto';
import { type AttachmentStore, readAttachment } from '@once/log';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** What a test of the suite gets from the implementation under test. */
export interface AttachmentStoreFixture {
  /** A store over fresh, empty storage. */
  readonly store: AttachmentStore;
  /** Opens the same storage again (after `store` was closed). */
  reopen(): Promise<AttachmentStore>;
  /** Closes every store the fixture opened and deletes the storage. */
  cleanup(): Promise<void>;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `bytes` as a stream of chunks of `size` bytes, as a request body arrives. */
async function* chunksOf(bytes: Uint8Array, size = 16_384): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}

/** The first half of `bytes`, then the error a socket closed mid-body gives. */
async function* cutOff(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes.subarray(0, bytes.byteLength >> 1);
  throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

/**
 * The behaviour every `AttachmentStore` must have, as a Vitest suite. An
 * implementation's test file calls it with a factory over real storage.
 */
export function describeAttachmentStoreConformance(name: string, create: () => Promise<AttachmentStoreFixture>): void {
  describe(`AttachmentStore conformance: ${name}`, () => {
    let fixture: AttachmentStoreFixture;
    let store: AttachmentStore;
    beforeEach(async () => {
      fixture = await create();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('keeps bytes under their SHA-256 and gives them back whole, with the record of the upload', async () => {
      const bytes = new Uint8Array(randomBytes(200_000));
      const { attachment, created } = await store.put('alice', chunksOf(bytes), {
        mediaType: 'image/png',
        name: 'photo — été.png',
      });
      expect(created).toBe(true);
      expect(attachment).toEqual({
        hash: sha256(bytes),
        size: 200_000,
        mediaType: 'image/png',
        name: 'photo — été.png',
      });
      expect(await store.find('alice', attachment.hash)).toEqual(attachment);
      expect(sha256((await readAttachment(store, attachment.hash)) ?? new Uint8Array())).toBe(attachment.hash);
    });

    it('stores the same bytes once per account: a second upload returns the first record', async () => {
      const bytes = new TextEncoder().encode('the same notes');
      const first = await store.put('alice', chunksOf(bytes), { mediaType: 'text/plain', name: 'a.txt' });
      const again = await store.put('alice', chunksOf(bytes, 3), { mediaType: 'text/markdown', name: 'b.md' });
      expect(again).toEqual({ attachment: first.attachment, created: false });
    });

    it('finds an attachment only for the accounts that uploaded it', async () => {
      const bytes = new TextEncoder().encode('private');
      const { attachment } = await store.put('alice', chunksOf(bytes), { mediaType: 'text/plain' });
      expect(await store.find('bob', attachment.hash)).toBeUndefined();
      const bobs = await store.put('bob', chunksOf(bytes), { mediaType: 'text/csv' });
      expect(bobs.created).toBe(true);
      expect(bobs.attachment).toEqual({ hash: attachment.hash, size: 7, mediaType: 'text/csv' });
      expect(await store.find('alice', attachment.hash)).toEqual(attachment);
    });

    it('keeps nothing of an upload cut off halfway, and throws its error', async () => {
      const bytes = new Uint8Array(randomBytes(100_000));
      await expect(store.put('alice', cutOff(bytes), { mediaType: 'application/pdf' })).rejects.toThrow('aborted');
      for (const hash of [sha256(bytes), sha256(bytes.subarray(0, 50_000))]) {
        expect(await store.find('alice', hash)).toBeUndefined();
        expect(await store.open(hash)).toBeUndefined();
      }
      // And the next upload of the whole is stored as new.
      expect((await store.put('alice', chunksOf(bytes), { mediaType: 'application/pdf' })).created).toBe(true);
    });

    it('knows no hash it was never given', async () => {
      const unknown = sha256(new TextEncoder().encode('never uploaded'));
      expect(await store.find('alice', unknown)).toBeUndefined();
      expect(await store.open(unknown)).toBeUndefined();
    });

    const text = (value: string) => chunksOf(new TextEncoder().encode(value));
    const hourAgo = () => new Date(Date.now() - 3_600_000);
    const later = () => new Date(Date.now() + 60_000);
    const gone = async (account: string, hash: string) =>
      (await store.find(account, hash)) === undefined && (await store.open(hash)) === undefined;

    it('keeps an unsent upload through a sweep within its grace period, and deletes it and its bytes after', async () => {
      const { attachment } = await store.put('alice', text('about to be sent'), { mediaType: 'text/plain' });
      expect(await store.sweep(hourAgo())).toEqual({ records: 0, blobs: 0 });
      expect(await store.find('alice', attachment.hash)).toEqual(attachment);
      expect(await store.sweep(later())).toEqual({ records: 1, blobs: 1 });
      expect(await gone('alice', attachment.hash)).toBe(true);
    });

    it('keeps a file a conversation references past any grace period, until the last conversation naming it is released', async () => {
      const { attachment } = await store.put('alice', text('passport scan'), {
        mediaType: 'text/plain',
        name: 'p.txt',
      });
      expect(await store.reference('alice', 'conversation-a', [attachment.hash])).toEqual([attachment]);
      expect(await store.reference('alice', 'conversation-b', [attachment.hash])).toEqual([attachment]);
      // Referencing again changes nothing.
      expect(await store.reference('alice', 'conversation-b', [attachment.hash])).toEqual([attachment]);
      expect(await store.sweep(later())).toEqual({ records: 0, blobs: 0 });
      await store.release('alice', 'conversation-a');
      expect(await store.find('alice', attachment.hash)).toEqual(attachment);
      expect(await readAttachment(store, attachment.hash)).toBeDefined();
      await store.release('alice', 'conversation-b');
      expect(await gone('alice', attachment.hash)).toBe(true);
      // Releasing again, or a conversation that named nothing, does nothing.
      await store.release('alice', 'conversation-b');
      await store.release('alice', 'conversation-c');
    });

    it("deletes an account's record on release but keeps the bytes while another account's record names them", async () => {
      const { attachment } = await store.put('alice', text('shared bytes'), { mediaType: 'text/plain' });
      await store.put('bob', text('shared bytes'), { mediaType: 'text/plain' });
      await store.reference('alice', 'conversation-a', [attachment.hash]);
      await store.release('alice', 'conversation-a');
      expect(await store.find('alice', attachment.hash)).toBeUndefined();
      expect(await store.find('bob', attachment.hash)).toBeDefined();
      expect(await readAttachment(store, attachment.hash)).toEqual(new TextEncoder().encode('shared bytes'));
      expect(await store.sweep(later())).toEqual({ records: 1, blobs: 1 });
      expect(await gone('bob', attachment.hash)).toBe(true);
    });

    it('references only the accounts own records: another hash is answered undefined and noted nowhere', async () => {
      const { attachment } = await store.put('alice', text('mine'), { mediaType: 'text/plain' });
      const unknown = sha256(new TextEncoder().encode('nobody uploaded this'));
      expect(await store.reference('bob', 'conversation-b', [attachment.hash])).toEqual([undefined]);
      expect(await store.reference('alice', 'conversation-a', [unknown, attachment.hash])).toEqual([
        undefined,
        attachment,
      ]);
      // Bob's attempt holds nothing: Alice's release deletes the file.
      await store.release('alice', 'conversation-a');
      expect(await gone('alice', attachment.hash)).toBe(true);
    });

    it('keeps a file uploaded again after it was sent as an unsent upload when its conversation is released', async () => {
      const { attachment } = await store.put('alice', text('sent, then again'), { mediaType: 'text/plain' });
      await store.reference('alice', 'conversation-a', [attachment.hash]);
      expect((await store.put('alice', text('sent, then again'), { mediaType: 'text/plain' })).created).toBe(false);
      await store.release('alice', 'conversation-a');
      expect(await store.find('alice', attachment.hash)).toEqual(attachment);
      expect(await store.sweep(hourAgo())).toEqual({ records: 0, blobs: 0 });
      expect(await store.sweep(later())).toEqual({ records: 1, blobs: 1 });
    });

    it('removes an unsent upload on request, but not one a conversation references', async () => {
      const { attachment } = await store.put('alice', text('changed my mind'), { mediaType: 'text/plain' });
      await store.put('bob', text('changed my mind'), { mediaType: 'text/plain' });
      expect(await store.remove('alice', attachment.hash)).toBe('removed');
      expect(await store.find('alice', attachment.hash)).toBeUndefined();
      expect(await store.remove('alice', attachment.hash)).toBe('absent');
      // Bob's record still names the bytes; once he sends it, he cannot remove it.
      expect(await readAttachment(store, attachment.hash)).toBeDefined();
      await store.reference('bob', 'conversation-b', [attachment.hash]);
      expect(await store.remove('bob', attachment.hash)).toBe('referenced');
      expect(await store.find('bob', attachment.hash)).toEqual(attachment);
      await store.release('bob', 'conversation-b');
      expect(await gone('bob', attachment.hash)).toBe(true);
    });

    it('a send racing a sweep either keeps the file or is told it is gone, never names missing bytes', async () => {
      for (let round = 0; round < 12; round += 1) {
        const { attachment } = await store.put('alice', text(`race ${round}`), { mediaType: 'text/plain' });
        const sweep = store.sweep(later());
        // Half the rounds let the sweep start first.
        if (round % 2 === 0) await Promise.resolve();
        const [[found]] = await Promise.all([
          store.reference('alice', `conversation-${round}`, [attachment.hash]),
          sweep,
        ]);
        if (found === undefined) {
          expect(await gone('alice', attachment.hash)).toBe(true);
        } else {
          expect(await store.find('alice', attachment.hash)).toEqual(attachment);
          expect(await readAttachment(store, attachment.hash)).toEqual(new TextEncoder().encode(`race ${round}`));
          // And a later sweep keeps it too: it is referenced now.
          await store.sweep(later());
          expect(await store.find('alice', attachment.hash)).toEqual(attachment);
        }
      }
    });

    const listed = async () => {
      const found: string[] = [];
      for await (const { account, conversation } of store.referencingConversations()) {
        found.push(`${account} ${conversation}`);
      }
      return found.sort();
    };

    it('lists each conversation holding a reference once, until it is released, also when opened again', async () => {
      expect(await listed()).toEqual([]);
      const first = await store.put('alice', text('one'), { mediaType: 'text/plain' });
      const second = await store.put('alice', text('two'), { mediaType: 'text/plain' });
      const bobs = await store.put('bob/ü', text('three'), { mediaType: 'text/plain' });
      await store.put('carol', text('never sent'), { mediaType: 'text/plain' });
      await store.reference('alice', 'conversation-a', [first.attachment.hash, second.attachment.hash]);
      await store.reference('alice', 'conversation-a', [first.attachment.hash]);
      await store.reference('alice', 'conversation-b', [second.attachment.hash]);
      await store.reference('bob/ü', '../conversation été', [bobs.attachment.hash]);
      // A reference to nothing the account has holds nothing.
      await store.reference('carol', 'conversation-c', [first.attachment.hash]);
      expect(await listed()).toEqual(['alice conversation-a', 'alice conversation-b', 'bob/ü ../conversation été']);
      await store.release('alice', 'conversation-a');
      await store.close();
      store = await fixture.reopen();
      expect(await listed()).toEqual(['alice conversation-b', 'bob/ü ../conversation été']);
    });

    it('lists every conversation when there are more than a page of them', async () => {
      const { attachment } = await store.put('alice', text('in every one'), { mediaType: 'text/plain' });
      const ids = Array.from({ length: 1_001 }, (_, index) => `conversation-${index}`);
      for (const id of ids) await store.reference('alice', id, [attachment.hash]);
      expect(await listed()).toEqual(ids.map((id) => `alice ${id}`).sort());
    }, 60_000);

    it('releases conversations as they are listed, deleting their files (how a daemon drops what deleted conversations held)', async () => {
      const hashes: string[] = [];
      for (let index = 0; index < 30; index += 1) {
        const { attachment } = await store.put('alice', text(`file ${index}`), { mediaType: 'text/plain' });
        await store.reference('alice', `conversation-${index}`, [attachment.hash]);
        hashes.push(attachment.hash);
      }
      const kept = 'conversation-7';
      for await (const { account, conversation } of store.referencingConversations()) {
        if (conversation !== kept) await store.release(account, conversation);
      }
      expect(await listed()).toEqual([`alice ${kept}`]);
      for (const [index, hash] of hashes.entries()) {
        expect(await gone('alice', hash)).toBe(index !== 7);
      }
    });

    it('keeps references when opened again', async () => {
      const { attachment } = await store.put('alice', text('kept'), { mediaType: 'text/plain' });
      await store.reference('alice', 'conversation-a', [attachment.hash]);
      await store.close();
      store = await fixture.reopen();
      expect(await store.sweep(later())).toEqual({ records: 0, blobs: 0 });
      await store.release('alice', 'conversation-a');
      expect(await gone('alice', attachment.hash)).toBe(true);
    });

    it('still has every attachment and record after it is opened again', async () => {
      const bytes = new Uint8Array(randomBytes(3_000));
      const { attachment } = await store.put('alice', chunksOf(bytes), { mediaType: 'image/gif', name: 'x.gif' });
      await store.close();
      store = await fixture.reopen();
      expect(await store.find('alice', attachment.hash)).toEqual(attachment);
      expect(Buffer.from((await readAttachment(store, attachment.hash)) ?? [])).toEqual(Buffer.from(bytes));
    });
  });
}
