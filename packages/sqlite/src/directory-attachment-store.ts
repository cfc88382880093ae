import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { AttachmentDetails, AttachmentStore, OpenedAttachment, PutAttachmentResult } from '@once/log';
import { type Attachment, attachmentSchema } from '@once/protocol';
import { createDirectoryAttachmentReferences, keyOf } from './directory-attachment-references.ts';
import { toStorageError } from './storage-error.ts';

/** Options of {@link openDirectoryAttachmentStore}. */
export interface DirectoryAttachmentStoreOptions {
  /** The directory the store keeps its files in (the daemon's `<data dir>/attachments`); created when missing. */
  readonly directory: string;
  /** The clock an upload's time is read from (for its grace period as an unsent upload). Default: the system's. */
  readonly now?: () => Date;
}

/**
 * Opens an {@link AttachmentStore} in a directory, for daemons whose log is SQLite:
 *
 *   blobs/ab/cdef…            the bytes, named by their SHA-256 (first two hex digits as a folder)
 *   accounts/<key>/<hash>.json each account's record: hash, size, media type, name
 *   incoming/                  uploads being written; emptied at open
 *
 * and the references of conversations to records (see `createDirectoryAttachmentReferences`).
 *
 * An upload is written to `incoming/` while it is hashed and renamed into `blobs/` once
 * whole, so a blob is never seen half-written and an upload cut off leaves nothing. A
 * record is written the same way, after its blob.
 */
export async function openDirectoryAttachmentStore(options: DirectoryAttachmentStoreOptions): Promise<AttachmentStore> {
  const { directory } = options;
  const incoming = join(directory, 'incoming');
  // Whatever is here was left by a daemon that stopped mid-upload: never a whole attachment.
  await rm(incoming, { recursive: true, force: true });
  await mkdir(incoming, { recursive: true });
  const blobPath = (hash: string) => join(directory, 'blobs', hash.slice(0, 2), hash.slice(2));
  const recordPath = (account: string, hash: string) => join(directory, 'accounts', keyOf(account), `${hash}.json`);
  const references = createDirectoryAttachmentReferences(directory);
  const now = options.now ?? (() => new Date());
  const storageError = (error: unknown) => toStorageError(error, directory);

  const readRecord = async (account: string, hash: string): Promise<Attachment | undefined> => {
    try {
      return attachmentSchema.parse(JSON.parse(await readFile(recordPath(account, hash), 'utf8')));
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    }
  };

  return {
    async put(account, source, details: AttachmentDetails): Promise<PutAttachmentResult> {
      const temporary = join(incoming, randomBytes(12).toString('hex'));
      let written: { hash: string; size: number };
      try {
        written = await writeHashed(source, temporary);
      } catch (error) {
        await rm(temporary, { force: true });
        throw storageError(error);
      }
      // Published one at a time with reference, release and sweep: a sweep never sees the
      // bytes before their record.
      return references.exclusive(async () => {
        try {
          const { hash, size } = written;
          const existing = await readRecord(account, hash);
          if (existing !== undefined) {
            await rm(temporary, { force: true });
            await references.markUnsent(account, hash, now());
            return { attachment: existing, created: false };
          }
          const blob = blobPath(hash);
          if (await exists(blob)) await rm(temporary, { force: true });
          else {
            await mkdir(join(blob, '..'), { recursive: true });
            await rename(temporary, blob);
          }
          const attachment: Attachment = {
            hash,
            size,
            mediaType: details.mediaType,
            ...(details.name === undefined ? {} : { name: details.name }),
          };
          const record = recordPath(account, hash);
          await mkdir(join(record, '..'), { recursive: true });
          const recordTemporary = `${temporary}.json`;
          // Unsent from before the record exists: a crash between leaves an upload the sweep deletes.
          await references.markUnsent(account, hash, now());
          await writeDurably(recordTemporary, JSON.stringify(attachment));
          await rename(recordTemporary, record);
          return { attachment, created: true };
        } catch (error) {
          await rm(temporary, { force: true });
          await rm(`${temporary}.json`, { force: true });
          throw storageError(error);
        }
      });
    },

    find: readRecord,

    reference: (account, conversation, hashes) =>
      references.exclusive(async () => {
        const found = await Promise.all(hashes.map((hash) => readRecord(account, hash)));
        await references.reference(
          account,
          conversation,
          hashes.filter((_, index) => found[index] !== undefined),
        );
        return found;
      }),

    release: references.release,

    referencingConversations: references.referencingConversations,

    sweep: references.sweep,

    async remove(account, hash) {
      // A hash becomes a path: anything but 64 hex digits was never stored.
      return /^[0-9a-f]{64}$/.test(hash) ? references.remove(account, hash) : 'absent';
    },

    async open(hash): Promise<OpenedAttachment | undefined> {
      // A hash is 64 hex digits by the time it gets here; checked again, as it becomes a path.
      if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
      const path = blobPath(hash);
      try {
        const { size } = await stat(path);
        return { size, bytes: createReadStream(path) };
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
        throw error;
      }
    },

    async close() {},
  };
}

/** Writes `source` to `path`, synced to disk, and returns its SHA-256 (hex) and size. */
async function writeHashed(source: AsyncIterable<Uint8Array>, path: string): Promise<{ hash: string; size: number }> {
  const hash = createHash('sha256');
  const file = createWriteStream(path, { flags: 'wx' });
  let size = 0;
  try {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.byteLength;
      if (!file.write(chunk)) await new Promise<void>((resolve) => file.once('drain', resolve));
    }
    file.end();
    await finished(file);
  } catch (error) {
    // Wait for the stream to let go of the file: destroyed while its open is still on the
    // way, it would create the file after the caller removed it, leaving a stray upload.
    if (!file.closed) {
      const closed = new Promise<void>((resolve) => file.once('close', () => resolve()));
      file.destroy();
      await closed;
    }
    throw error;
  }
  // The rename that follows publishes the blob; sync first, so a crash cannot leave a
  // named blob with missing bytes.
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { hash: hash.digest('hex'), size };
}

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
