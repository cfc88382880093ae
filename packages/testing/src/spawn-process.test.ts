import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { spawnProcess, stopLeftoverProcesses } from './spawn-process.ts';

/** A child that runs until it is killed. */
const startIdleChild = () =>
  spawnProcess(process.execPath, ['-e', 'setInterval(() => {}, 1_000)'], { stdio: 'ignore' });

/** Whether a process with this id still exists (signal 0 only checks). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stopLeftoverProcesses', () => {
  it('kills every child a test left running, a frozen (SIGSTOP) one too, and returns once they have exited', async () => {
    const running = startIdleChild();
    const frozen = startIdleChild();
    const finished = spawnProcess(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await Promise.all([once(running, 'spawn'), once(frozen, 'spawn'), once(finished, 'exit')]);
    frozen.kill('SIGSTOP');

    await stopLeftoverProcesses();

    expect(running.signalCode).toBe('SIGKILL');
    expect(frozen.signalCode).toBe('SIGKILL');
    expect(finished.exitCode).toBe(0);
    expect([running.pid, frozen.pid].filter((pid) => pid !== undefined && exists(pid))).toEqual([]);
  }, 30_000);
});
