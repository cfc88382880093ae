import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnProcess } from '@once/testing';

/** The `once` command's entry point. */
export const ONCE_BIN = join(import.meta.dirname, '..', 'bin', 'once.js');

/** Runs `once <args>` to its end, collecting its output; `stopLeftoverProcesses` kills it if the test does not. */
export async function runOnceCommand(
  args: readonly string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const child: ChildProcess = spawnProcess(process.execPath, [ONCE_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', (exit) => resolve(exit)));
  return { code, out, err };
}
