import { setTimeout as sleep } from 'node:timers/promises';
import type { DaemonProcess } from '@once/testing';
import type { ChaosProxy } from './chaos-proxy.ts';
import type { SeededRandom } from './seeded-random.ts';

/** Faults injected on the daemons, by kind. */
export interface FaultCounts {
  /** SIGKILL, then a restart on the same data dir and port. */
  kills: number;
  /** SIGSTOP for a while, then SIGCONT: a daemon that hangs, then wakes as if nothing happened. */
  freezes: number;
  /** Every client connection reset at once, new ones refused for a moment. */
  cuts: number;
}

/** One line of the run's log: when, what, to whom. */
export type FaultLog = string[];

/** How long a freeze lasts: 0.2–2.5 s, and with `long`, one in four 5.5–8 s. */
export interface FreezeLengths {
  /**
   * Freezes past PostgreSQL's 5 s idle-in-transaction timeout too, which ends a frozen
   * daemon's transactions and send locks under it while its leases lapse: it wakes in the
   * middle of sends that other daemons have meanwhile taken over (decision 038).
   */
  readonly long: boolean;
}

/**
 * Injects a fault every 0.3–2.5 s until `until` (ms since the epoch): kills, freezes and
 * connection cuts, chosen by `random`. Leaves every daemon running and awake when it returns.
 */
export async function runFaults(
  daemons: readonly DaemonProcess[],
  proxy: ChaosProxy,
  random: SeededRandom,
  until: number,
  log: FaultLog,
  freezes: FreezeLengths = { long: false },
): Promise<FaultCounts> {
  const counts: FaultCounts = { kills: 0, freezes: 0, cuts: 0 };
  const started = Date.now();
  const note = (line: string) => log.push(`${((Date.now() - started) / 1000).toFixed(2)} s ${line}`);
  while (Date.now() < until) {
    await sleep(random.int(300, 2500));
    if (Date.now() >= until) break;
    const daemon = random.pick(daemons);
    const kind = random.pick(['kill', 'freeze', 'cut', 'cut'] as const);
    if (kind === 'kill') {
      const downMs = random.int(0, 800);
      note(`SIGKILL daemon :${daemon.port} (pid ${daemon.pid}), restart after ${downMs} ms`);
      await daemon.kill('SIGKILL');
      await sleep(downMs);
      const restarting = Date.now();
      await daemon.restart();
      note(`daemon :${daemon.port} ready again ${Date.now() - restarting} ms after its restart (pid ${daemon.pid})`);
      counts.kills += 1;
    } else if (kind === 'freeze') {
      const frozenMs = freezes.long && random.int(0, 3) === 0 ? random.int(5500, 8000) : random.int(200, 2500);
      note(`SIGSTOP daemon :${daemon.port} (pid ${daemon.pid}) for ${frozenMs} ms`);
      process.kill(daemon.pid, 'SIGSTOP');
      await sleep(frozenMs);
      process.kill(daemon.pid, 'SIGCONT');
      counts.freezes += 1;
    } else {
      const refuseMs = random.int(0, 700);
      note(`cut every client connection, refuse new ones for ${refuseMs} ms`);
      proxy.cut(refuseMs);
      counts.cuts += 1;
    }
  }
  return counts;
}
