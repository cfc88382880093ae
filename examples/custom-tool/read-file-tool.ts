import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { defineTool } from '@once/daemon';
import { z } from 'zod';

/** Largest part of a file the model gets, in bytes. */
const MAX_BYTES = 64 * 1024;

/**
 * Reads a text file in the folder the daemon runs in. It needs approval: whatever it
 * reads goes to the model provider, so the user allows each file.
 */
export const readFileTool = defineTool({
  name: 'read_file',
  description: 'Reads a text file in the workspace (the folder the assistant runs in) and returns its text.',
  input: z.object({ path: z.string().min(1).describe('Path of the file, relative to the workspace.') }),
  needsApproval: true,
  async run({ path }, { output, signal }) {
    const workspace = process.cwd();
    const file = resolve(workspace, path);
    const inside = relative(workspace, file);
    if (inside.startsWith('..') || isAbsolute(inside)) throw new Error(`${path} is outside the workspace.`);
    const bytes = await readFile(file, { signal });
    const text = bytes.subarray(0, MAX_BYTES).toString('utf8');
    output(text);
    return { path: inside, bytes: bytes.length, truncated: bytes.length > MAX_BYTES };
  },
});
