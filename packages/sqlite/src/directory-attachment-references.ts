import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReferencingConversation, SweepResult } from '@once/log';

/**
 * The files of a directory attachment store that say who still needs which bytes:
 *
 *   accounts/<key>/<hash>.json            the account's record (written by the store's put)
 *   accounts/<key>/<hash>.unsent          an upload not sent yet: its time, ms since the epoch
 *   references/<key>/<hash>/<conversation> a conversation of the account names the hash
 *   conversations/<key>/<conversation>/<hash> the same, found from the conversation
 *   conversations/<key>/<conversation>/conversation.json the account and conversation ids the keys hash
 *
 * Every change goes through `exclusive`, one at a time in this process (the directory
 * store serves one daemon, whose log is SQLite). Deletions go from references to records
 * to bytes, so a crash between leaves a record or bytes nobody needs — never a reference
 * to a record that is gone; the next sweep deletes the bytes.
 */
export function createDirectoryAttachmentReferences(directory: string) {
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };
  const accountDirectory = (account: string) => join(directory, 'accounts', keyOf(account));
  const recordPath = (account: string, hash: string) => join(accountDirectory(account), `${hash}.json`);
  const unsentPath = (account: string, hash: string) => join(accountDirectory(account), `${hash}.unsent`);
  const referencesOf = (account: string, hash: string) => join(directory, 'references', keyOf(account), hash);
  const conversationDirectory = (account: string, conversation: string) =>
    join(directory, 'conversations', keyOf(account), keyOf(conversation));
  const blobPath = (hash: string) => join(directory, 'blobs', hash.slice(0, 2), hash.slice(2));
  /** The hashes a conversation references: its folder's entries but the ids file. */
  const referencedBy = async (byConversation: string) =>
    (await entries(byConversation)).filter((name) => name !== IDS_FILE);

  /** Whether any conversation of the account references the hash. */
  const referenced = async (accountKey: string, hash: string) =>
    (await entries(join(directory, 'references', accountKey, hash))).length > 0;

  /** Whether any account has a record of the hash. */
  const recorded = async (hash: string) => {
    for (const accountKey of await entries(join(directory, 'accounts'))) {
      if (await exists(join(directory, 'accounts', accountKey, `${hash}.json`))) return true;
    }
    return false;
  };

  const deleteBlobIfUnrecorded = async (hash: string): Promise<boolean> => {
    if (await recorded(hash)) return false;
    await rm(blobPath(hash), { force: true });
    return true;
  };

  return {
    exclusive,

    /** Marks the account's record of the hash as an unsent upload made `at`. */
    async markUnsent(account: string, hash: string, at: Date): Promise<void> {
      await writeFile(unsentPath(account, hash), String(at.getTime()));
    },

    /** Notes the references; the caller holds `exclusive` and has checked the records exist. */
    async reference(account: string, conversation: string, hashes: readonly string[]): Promise<void> {
      const byConversation = conversationDirectory(account, conversation);
      await mkdir(byConversation, { recursive: true });
      // Before the references: a conversation holding any can be listed (and released).
      const ids = join(byConversation, IDS_FILE);
      if (hashes.length > 0 && !(await exists(ids))) {
        await writeFile(`${ids}.new`, JSON.stringify({ account, conversation } satisfies ReferencingConversation));
        await rename(`${ids}.new`, ids);
      }
      for (const hash of hashes) {
        const references = referencesOf(account, hash);
        await mkdir(references, { recursive: true });
        await writeFile(join(references, keyOf(conversation)), '');
        await writeFile(join(byConversation, hash), '');
        await rm(unsentPath(account, hash), { force: true });
      }
    },

    release: (account: string, conversation: string) =>
      exclusive(async () => {
        const byConversation = conversationDirectory(account, conversation);
        const accountKey = keyOf(account);
        for (const hash of await referencedBy(byConversation)) {
          const references = referencesOf(account, hash);
          await rm(join(references, keyOf(conversation)), { force: true });
          if (!(await referenced(accountKey, hash)) && !(await exists(unsentPath(account, hash)))) {
            await rmdir(references).catch(() => undefined);
            await rm(recordPath(account, hash), { force: true });
            await deleteBlobIfUnrecorded(hash);
          }
          await rm(join(byConversation, hash), { force: true });
        }
        await rm(byConversation, { recursive: true, force: true });
      }),

    remove: (account: string, hash: string) =>
      exclusive(async (): Promise<'removed' | 'referenced' | 'absent'> => {
        if (!(await exists(recordPath(account, hash)))) return 'absent';
        if (await referenced(keyOf(account), hash)) return 'referenced';
        await rmdir(referencesOf(account, hash)).catch(() => undefined);
        await rm(recordPath(account, hash), { force: true });
        await rm(unsentPath(account, hash), { force: true });
        await deleteBlobIfUnrecorded(hash);
        return 'removed';
      }),

    /** Every conversation folder with its ids file, read without `exclusive`: a folder released meanwhile is skipped. */
    async *referencingConversations(): AsyncIterable<ReferencingConversation> {
      const root = join(directory, 'conversations');
      for (const accountKey of await entries(root)) {
        for (const conversationKey of await entries(join(root, accountKey))) {
          const text = await readFile(join(root, accountKey, conversationKey, IDS_FILE), 'utf8').catch(() => undefined);
          // No ids file: released meanwhile, or written before the store kept ids (never listed).
          if (text === undefined) continue;
          const { account, conversation } = JSON.parse(text) as ReferencingConversation;
          yield { account, conversation };
        }
      }
    },

    sweep: (uploadedBefore: Date) =>
      exclusive(async (): Promise<SweepResult> => {
        let records = 0;
        let blobs = 0;
        for (const accountKey of await entries(join(directory, 'accounts'))) {
          const folder = join(directory, 'accounts', accountKey);
          for (const name of await entries(folder)) {
            if (!name.endsWith('.unsent')) continue;
            const hash = name.slice(0, -'.unsent'.length);
            const at = Number(await readFile(join(folder, name), 'utf8').catch(() => 'NaN'));
            // An unreadable time is a crash mid-write: the upload was just made.
            if (!(at <= uploadedBefore.getTime()) || (await referenced(accountKey, hash))) continue;
            await rm(join(folder, `${hash}.json`), { force: true });
            await rm(join(folder, name), { force: true });
            records += 1;
          }
        }
        for (const prefix of await entries(join(directory, 'blobs'))) {
          for (const rest of await entries(join(directory, 'blobs', prefix))) {
            if (await deleteBlobIfUnrecorded(`${prefix}${rest}`)) blobs += 1;
          }
        }
        return { records, blobs };
      }),
  };
}

/** The file, in a conversation's folder, holding the ids its folder's names are hashes of. */
const IDS_FILE = 'conversation.json';

/** An account or conversation id as a folder or file name: fixed length, no path characters. */
export function keyOf(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 32);
}

async function entries(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}
