import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { spawnProcess, stopLeftoverProcesses } from './spawn-process.ts';

const PARENT_OF_AN_IDLE_CHILD = join(import.meta.dirname, '..', 'test', 'fixtures', 'parent-of-an-idle-child.ts');

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

afterEach(stopLeftoverProcesses);

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

describe('spawnProcess', () => {
  it('kills the children of a process ended with SIGTERM, as Vitest ends its workers, which still dies of it', async () => {
    const parent = spawnProcess(process.execPath, [PARENT_OF_AN_IDLE_CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(parent.stdout.setEncoding('utf8'), 'data')) as [string];
    const childPid = Number.parseInt(line, 10);
    // Not this worker's child: should the parent fail to kill it, this test does.
    onTestFinished(() => {
      if (exists(childPid)) process.kill(childPid, 'SIGKILL');
    });
    expect(exists(childPid)).toBe(true);

    parent.kill('SIGTERM');
    const [, signal] = await once(parent, 'exit');

    expect(signal).toBe('SIGTERM');
    // Orphaned, the killed child is reaped by init a moment later.
    await vi.waitFor(() => expect(exists(childPid)).toBe(false), { timeout: 10_000, interval: 20 });
  }, 30_000);
});
