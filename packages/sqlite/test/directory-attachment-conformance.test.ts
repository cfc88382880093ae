import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAttachmentStoreConformance } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { openDirectoryAttachmentStore } from '../src/index.ts';

describeAttachmentStoreConformance('directory', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'once-attachments-'));
  const open = () => openDirectoryAttachmentStore({ directory: join(directory, 'attachments') });
  return {
    store: await open(),
    reopen: open,
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
});

describe('directory attachment store', () => {
  it('leaves no file behind from an upload cut off halfway, and clears leftovers of a crash when opened', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'once-attachments-'));
    try {
      const store = await openDirectoryAttachmentStore({ directory });
      async function* cutOff() {
        yield new Uint8Array(10_000);
        throw new Error('aborted');
      }
      await expect(store.put('alice', cutOff(), { mediaType: 'image/png' })).rejects.toThrow('aborted');
      expect(await readdir(directory, { recursive: true })).toEqual(['incoming']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
