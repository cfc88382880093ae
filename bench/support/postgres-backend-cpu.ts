// CPU time spent on behalf of this process by PostgreSQL: its own backends only, found by
// the client ports of this process's TCP sockets, so other sessions on a shared server do
// not count. Used to charge CPU per appended event (docs/decisions/018).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import postgres from 'postgres';
import { processCpuSeconds } from './peers/cpu-usage.ts';

/** The local ports of this process's IPv4 TCP sockets, from /proc. */
function ownTcpPorts(): number[] {
  const inodes = new Set<string>();
  for (const descriptor of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${descriptor}`));
      if (match?.[1] !== undefined) inodes.add(match[1]);
    } catch {
      // Closed between listing and reading it.
    }
  }
  const ports: number[] = [];
  // Lines: "sl local_address rem_address st … inode …"; local_address is HEX_IP:HEX_PORT.
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const inode = fields[9];
    const port = fields[1]?.split(':')[1];
    if (inode !== undefined && port !== undefined && inodes.has(inode)) ports.push(Number.parseInt(port, 16));
  }
  return ports;
}

/** Reads CPU seconds of the PostgreSQL backends serving this process's connections. */
export interface BackendCpu {
  /** The backends' summed CPU seconds so far (those found at the first reading keep counting). */
  seconds(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens a connection of its own (excluded from the figure) to find the backends; a
 * backend found once is read until the end, so one that closes counts as gone (0 from then).
 * Call `seconds()` once before a run (after the log's connections are open) and once after.
 */
export function backendCpu(url: string): BackendCpu {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const known = new Set<number>();
  return {
    async seconds() {
      const rows = await sql.unsafe<{ pid: number }[]>(
        'SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND pid <> pg_backend_pid()',
        [ownTcpPorts()],
      );
      for (const row of rows) known.add(Number(row.pid));
      let total = 0;
      for (const pid of known) total += processCpuSeconds(pid);
      return total;
    },
    close: () => sql.end({ timeout: 1 }),
  };
}
