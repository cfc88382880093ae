import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnProcess } from '@once/testing';

/** util-linux `script`, which runs a command in a pseudo-terminal of its own. */
export const SCRIPT = '/usr/bin/script';

/** Why the pseudo-terminal tests cannot run here, or undefined when they can. */
export const missingScript = existsSync(SCRIPT)
  ? undefined
  : `${SCRIPT} is missing (apt-get install util-linux); the once chat terminal tests are skipped.`;

const ONCE_BIN = join(import.meta.dirname, '..', 'bin', 'once.js');

/** `once …` running in a pseudo-terminal, as a person at a terminal would run it. */
export interface TerminalRun extends AsyncDisposable {
  readonly child: ChildProcess;
  /** Types into the terminal: `\x03` is Ctrl-C, `\x04` Ctrl-D, `\n` Enter. */
  type(text: string): void;
  /** Everything the terminal showed of stdout (and of the echo), with `\r\n` as `\n`. */
  screen(): string;
  /** What the command wrote to stderr (kept apart, so the transcript can be compared exactly). */
  errors(): Promise<string>;
  /** The command's exit code (`script -e` passes it on). */
  readonly exit: Promise<number | null>;
}

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `once <args>` under `script -qefc` in a fresh pseudo-terminal: Ctrl-C and Ctrl-D
 * typed here go through the terminal's line discipline, as they would from a keyboard.
 * Its stderr goes to a file so the screen holds the transcript alone.
 */
export async function runInTerminal(args: readonly string[]): Promise<TerminalRun> {
  const folder = await mkdtemp(join(tmpdir(), 'once-chat-test-'));
  const errorsFile = join(folder, 'stderr');
  const command = ['exec', process.execPath, ONCE_BIN, ...args].map(quote).join(' ');
  const child = spawnProcess(SCRIPT, ['-qefc', `${command} 2>${quote(errorsFile)}`, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    screen += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    type: (text) => child.stdin?.write(text),
    screen: () => screen.replaceAll('\r\n', '\n'),
    errors: () => readFile(errorsFile, 'utf8').catch(() => ''),
    exit,
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exit;
      }
      await rm(folder, { recursive: true, force: true });
    },
  };
}
