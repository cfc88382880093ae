import type { ServerResponse } from 'node:http';

/** The open event-stream responses, so the daemon can end them when it stops. */
export interface SseConnections {
  add(response: ServerResponse): void;
  delete(response: ServerResponse): void;
  readonly size: number;
  /** Ends every open stream; clients reconnect with their Last-Event-ID. */
  endAll(): void;
}

export function createSseConnections(): SseConnections {
  const open = new Set<ServerResponse>();
  return {
    add: (response) => void open.add(response),
    delete: (response) => void open.delete(response),
    get size() {
      return open.size;
    },
    endAll() {
      for (const response of open) response.end();
      open.clear();
    },
  };
}
