import type { ServerResponse } from 'node:http';
import { HEARTBEAT_FRAME } from './sse-frames.ts';

/**
 * The open event-stream responses: one heartbeat timer for all of them, and the daemon
 * can finish or end them when it stops.
 */
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

/** Options of {@link createSseConnections}. */
export interface SseConnectionsOptions {
  /** Milliseconds between heartbeat comments on every open stream. Default 15000. */
  readonly heartbeatMs?: number;
}

export function createSseConnections(options: SseConnectionsOptions = {}): SseConnections {
  const open = new Map<ServerResponse, (() => Promise<void>) | undefined>();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let heartbeat: NodeJS.Timeout | undefined;
  const beat = () => {
    // A stream whose socket is full is not idle; it needs no heartbeat.
    for (const response of open.keys()) if (!response.writableNeedDrain) response.write(HEARTBEAT_FRAME);
  };
  return {
    add(response, finish) {
      open.set(response, finish);
      if (heartbeat === undefined) {
        heartbeat = setInterval(beat, heartbeatMs);
        heartbeat.unref();
      }
    },
    delete(response) {
      open.delete(response);
      if (open.size === 0 && heartbeat !== undefined) {
        clearInterval(heartbeat);
        heartbeat = undefined;
      }
    },
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
      if (heartbeat !== undefined) clearInterval(heartbeat);
      heartbeat = undefined;
    },
  };
}
