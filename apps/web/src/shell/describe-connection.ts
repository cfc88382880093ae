import type { ConnectionState } from '@once/client';

/** What the connection indicator says: a short label, and the detail behind it (the last error) if any. */
export interface ConnectionWording {
  readonly label: string;
  readonly detail?: string;
}

/**
 * Puts a connection's state in words a person reads at a glance. `failures` counts the
 * attempts that made no progress, so the attempt under way is the one after them.
 */
export function describeConnection(state: ConnectionState): ConnectionWording {
  const detail = state.lastError === undefined ? undefined : errorMessage(state.lastError);
  switch (state.status) {
    case 'connecting':
      return { label: 'Connecting…' };
    case 'live':
      return { label: 'Live' };
    case 'reconnecting':
      return withDetail(`Reconnecting (attempt ${state.failures + 1})…`, detail);
    case 'offline':
      return { label: 'Offline' };
    case 'closed':
      return withDetail('Disconnected', detail);
  }
}

function withDetail(label: string, detail: string | undefined): ConnectionWording {
  return detail === undefined ? { label } : { label, detail };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
