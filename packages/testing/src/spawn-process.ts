import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** Every child {@link spawnProcess} started that has not exited yet. */
const running = new Set<ChildProcess>();

// The last resort for a child started after the last `afterEach` (the body of a test that
// timed out runs on in the background): it dies with this worker. Vitest ends its workers
// with SIGTERM, which skips `exit` listeners, so the signal is caught, then sent again to
// end the worker as it would have ended.
process.once('exit', killEveryChild);
process.once('SIGTERM', () => {
  killEveryChild();
  process.kill(process.pid, 'SIGTERM');
});

function killEveryChild(): void {
  for (const child of running) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
}

/**
 * `spawn` from `node:child_process`, with the same arguments and types, for tests: the child
 * is remembered until it exits, so {@link stopLeftoverProcesses} in an `afterEach` kills it
 * however the test ended, passing, failing or timed out. A test's own `finally` or
 * `await using` does not run when Vitest times the test out, so that alone cannot be trusted.
 */
export const spawnProcess = ((...parameters: Parameters<typeof spawn>): ChildProcess => {
  const child = spawn(...parameters);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}) as typeof spawn;

/**
 * Kills every child of {@link spawnProcess} in this worker that still runs, frozen ones
 * (`SIGSTOP`) included, and waits until each has exited. For `afterEach`.
 */
export async function stopLeftoverProcesses(): Promise<void> {
  await Promise.all([...running].map(stopProcess));
}

/** Kills `child` with SIGKILL, unless it already exited, and waits for its exit. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    // Never started (the spawn failed, which its `error` event reports) or already gone.
    running.delete(child);
    return;
  }
  const exited = once(child, 'exit');
  // Woken first, so a child frozen with SIGSTOP can never keep the kill waiting.
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await exited;
}
