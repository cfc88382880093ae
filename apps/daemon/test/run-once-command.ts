import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnProcess } from '@once/testing';

/** The `once` command's entry point. */
export const ONCE_BIN = join(import.meta.dirname, '..', 'bin', 'once.js');

/** A running `once <args>`: the child, what it printed so far, and its exit code once it exits. */
export interface OnceCommandRun {
  readonly child: ChildProcess;
  out(): string;
  err(): string;
  readonly exit: Promise<number | null>;
}

/** What {@link startOnceCommand} gives the command besides its arguments. */
export interface OnceCommandOptions {
  /** Piped to its stdin, which then ends. Default: no stdin. */
  readonly input?: string;
  /** Its environment. Default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts `once <args>`, collecting its output; `stopLeftoverProcesses` kills it if the test does not. */
export function startOnceCommand(args: readonly string[], options: OnceCommandOptions = {}): OnceCommandRun {
  const child = spawnProcess(process.execPath, [ONCE_BIN, ...args], {
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  // 'close': the output is whole by then, not only the process gone.
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

/** Runs `once <args>` to its end and returns its exit code and output. */
export async function runOnceCommand(
  args: readonly string[],
  options: OnceCommandOptions = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const run = startOnceCommand(args, options);
  const code = await run.exit;
  return { code, out: run.out(), err: run.err() };
}
