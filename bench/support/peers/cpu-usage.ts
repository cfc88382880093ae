// CPU time of the server processes a figure charges: /proc/<pid>/stat for child processes,
// Redis's own INFO for its share (the whole Redis server's, so other Redis users on the
// machine count too).
import { readFileSync } from 'node:fs';
import { createClient } from 'redis';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds the process has used so far; 0 for one that is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Redis's used_cpu_user + used_cpu_sys, in seconds. */
export async function redisCpuSeconds(): Promise<number> {
  const redis = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
  try {
    const info = await redis.info('cpu');
    const read = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return read('used_cpu_user') + read('used_cpu_sys');
  } finally {
    redis.destroy();
  }
}
