import type { ServerResponse } from 'node:http';

/** The open event-stream responses, so the daemon can end them when it stops. */
export interface SseConnections {
  /**
   * Registers an open stream. `finish`, when given, sends every event committed so far,
   * ends the response and resolves once it is flushed.
   */
  add(response: ServerResponse, finish?: () => Promise<void>): void;
  delete(response: ServerResponse): void;
  readonly size: number;
  /**
   * For a clean stop, after the last events are committed: every open stream sends what
   * its client has not received yet, then ends. A stream still behind after `timeoutMs`
   * is left to {@link endAll}; its client resumes from its Last-Event-ID.
   */
  finishAll(timeoutMs: number): Promise<void>;
  /** Ends every open stream; clients reconnect with their Last-Event-ID. */
  endAll(): void;
}

export function createSseConnections(): SseConnections {
  const open = new Map<ServerResponse, (() => Promise<void>) | undefined>();
  return {
    add: (response, finish) => void open.set(response, finish),
    delete: (response) => void open.delete(response),
    get size() {
      return open.size;
    },
    async finishAll(timeoutMs) {
      const finishing = [...open.values()].map((finish) => finish?.().catch(() => {}));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.all(finishing), timeout]);
      clearTimeout(timer);
    },
    endAll() {
      for (const response of open.keys()) response.end();
      open.clear();
    },
  };
}
