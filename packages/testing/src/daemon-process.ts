import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnProcess, stopProcess } from './spawn-process.ts';

// The daemon's entry point: this package only runs it as a process, it imports nothing of apps.
const ONCE_BIN = join(import.meta.dirname, '..', '..', '..', 'apps', 'daemon', 'bin', 'once.js');
// A daemon with a TypeScript config took over 20 s to be ready on a 2-core machine running
// a browser test and four other jobs: long enough for any machine CI runs on.
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** How a daemon process ended. */
export interface DaemonExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options of {@link startDaemon}. */
export interface StartDaemonOptions {
  /** Extra flags, e.g. `['--demo-delay-ms', '5']`. The same flags are used on restart. */
  readonly flags?: readonly string[];
  /** TCP port. Default 0 (any free port) for the first start; restarts reuse the port it got. */
  readonly port?: number;
  /** Options for the Node running the daemon, e.g. `['--max-old-space-size=64']`. */
  readonly nodeOptions?: readonly string[];
  /**
   * The data dir to run on, e.g. a small file system a test mounted. The caller owns it:
   * it is neither created nor deleted here. Default: a fresh temporary dir, deleted on
   * dispose.
   */
  readonly dataDir?: string;
}

/**
 * A real `once serve` process on a temporary data dir. `restart()` starts it again on the
 * same data dir and port, as a user rerunning the command would. Dispose it (`await using`)
 * to kill whatever still runs and delete the data dir.
 */
export interface DaemonProcess extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` of the running process. */
  readonly url: string;
  readonly port: number;
  /** Process id of the running process (changes on restart). */
  readonly pid: number;
  readonly dataDir: string;
  /** Sends `signal` and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<DaemonExit>;
  /** Starts the daemon again on the same data dir and port; the previous process must have exited. */
  restart(): Promise<void>;
  /** Every log line (stdout and stderr) of every run so far, for failure messages. */
  logs(): string;
}

/** Every daemon still alive and every data dir not yet deleted, for {@link stopLeftoverDaemons}. */
const alive = new Set<ChildProcess>();
const dataDirs = new Set<string>();

/**
 * Kills every daemon this worker started that still runs and deletes their data dirs. For
 * `afterEach`: a test that times out never reaches its `await using` disposal.
 */
export async function stopLeftoverDaemons(): Promise<void> {
  await Promise.all([...alive].map(stopProcess));
  await Promise.all([...dataDirs].map((dataDir) => rm(dataDir, { recursive: true, force: true })));
  dataDirs.clear();
}

interface Run {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly exited: Promise<DaemonExit>;
}

/** Starts `once serve` on a fresh temporary data dir (or the one given) and waits for its ready line. */
export async function startDaemon(options: StartDaemonOptions = {}): Promise<DaemonProcess> {
  const owned = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'once-daemon-test-')));
  const removeDataDir = async () => {
    if (!owned) return;
    await rm(dataDir, { recursive: true, force: true });
    dataDirs.delete(dataDir);
  };
  if (owned) dataDirs.add(dataDir);
  const flags = options.flags ?? [];
  const nodeOptions = options.nodeOptions ?? [];
  const lines: string[] = [];
  let run: Run | undefined;
  try {
    run = await launch(dataDir, options.port ?? 0, [...nodeOptions, ONCE_BIN, 'serve', ...flags], lines);
  } catch (error) {
    await removeDataDir();
    throw error;
  }
  let current: Run = run;
  let running = true;

  const kill = async (signal: NodeJS.Signals): Promise<DaemonExit> => {
    const { child, exited } = current;
    if (running) child.kill(signal);
    const exit = await withTimeout(exited, STOP_TIMEOUT_MS, () => {
      child.kill('SIGKILL');
      return `The daemon (pid ${child.pid}) did not exit within ${STOP_TIMEOUT_MS} ms of ${signal}.`;
    });
    running = false;
    return exit;
  };

  return {
    get url() {
      return current.url;
    },
    get port() {
      return current.port;
    },
    get pid() {
      return current.child.pid ?? -1;
    },
    dataDir,
    kill,
    async restart() {
      if (running) throw new Error('restart() needs the previous daemon to have exited; kill it first.');
      current = await launch(dataDir, current.port, [...nodeOptions, ONCE_BIN, 'serve', ...flags], lines);
      running = true;
    },
    logs: () => lines.join('\n'),
    async [Symbol.asyncDispose]() {
      try {
        if (running) await kill('SIGKILL');
      } finally {
        await removeDataDir();
      }
    },
  };
}

/** Spawns `node …args --port … --data-dir …` (args ends with the command and its flags) and waits for it to be ready. */
async function launch(dataDir: string, port: number, args: readonly string[], lines: string[]): Promise<Run> {
  const child = spawnProcess(process.execPath, [...args, '--port', String(port), '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: withoutOnceSettings(process.env),
  });
  alive.add(child);
  // `lines` holds the earlier runs' lines too (a restart on the same data dir).
  const earlier = lines.length;
  const exited = once(child, 'exit').then(([code, signal]) => {
    alive.delete(child);
    return { code, signal } as DaemonExit;
  });
  // Rejects only when the spawn itself fails; the race below reports that.
  exited.catch(() => {});

  const ready = new Promise<{ url: string }>((resolve) => {
    createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const entry = parseJsonLine(line);
      if (typeof entry?.msg === 'string' && entry.msg.startsWith('Once is ready at') && typeof entry.url === 'string') {
        resolve({ url: entry.url });
      }
    });
  });
  const outcome = await withTimeout(
    Promise.race([
      ready,
      exited.then((exit) => {
        throw new Error(`The daemon exited before it was ready (${describeExit(exit)}):\n${lines.join('\n')}`);
      }),
    ]),
    READY_TIMEOUT_MS,
    () => {
      child.kill('SIGKILL');
      const printed = lines.slice(earlier);
      return `The daemon (pid ${child.pid}) was not ready within ${READY_TIMEOUT_MS} ms; ${
        printed.length === 0 ? 'it printed nothing' : `it printed:\n${printed.join('\n')}`
      }${earlier === 0 ? '' : `\nIts earlier runs on this data dir printed:\n${lines.slice(0, earlier).join('\n')}`}`;
    },
  );
  return { child, url: outcome.url, port: Number(new URL(outcome.url).port), exited };
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The tests pass every setting as a flag; a developer's ONCE_* variables must not leak in. */
function withoutOnceSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('ONCE_')));
}

function describeExit(exit: DaemonExit): string {
  return exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
}

async function withTimeout<T>(promise: Promise<T>, milliseconds: number, onTimeout: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(onTimeout())), milliseconds);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asks the OS for a free TCP port, for a daemon that must come back on the same port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (typeof address !== 'object' || address === null) throw new Error('No port was assigned.');
  return address.port;
}
