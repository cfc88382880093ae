// Starts the servers a benchmark measures as child processes, so they do not share an
// event loop with the clients.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts the Once daemon on a data dir and waits until /v1/health answers 200, for at
 * most `readyWithinMs` (default a minute; start-up on a large log takes longer).
 */
export async function startDaemon(
  dataDir: string,
  flags: readonly string[] = [],
  readyWithinMs = 60_000,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      join(root, 'apps/daemon/bin/once.js'),
      'serve',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
      ...flags,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + readyWithinMs;
  while (performance.now() < deadline) {
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    // Often enough that a start-up's time is not rounded up to a tenth of a second.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child.kill('SIGKILL');
  throw new Error(`the daemon did not become ready within ${readyWithinMs / 1000} s`);
}

/** Starts a bare node:http server of bench/support (default the SSE fan-out one) and returns its base URL. */
export async function startBareServer(script = 'bare-sse-server.ts'): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, script)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) =>
    child.stdout?.once('data', (data: Buffer) => resolve(Number(data.toString().trim()))),
  );
  return { url: `http://127.0.0.1:${port}`, child };
}

/** Resident memory of a process, in bytes. */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kilobytes ?? 0) * 1024;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
