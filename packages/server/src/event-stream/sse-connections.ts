import type { EventEmitter } from 'node:events';
import type { SseSink } from './sse-sink.ts';

/** What the registry needs of one open event stream. */
export interface OpenStream {
  /** Writes a heartbeat comment, unless the stream has not started or its socket is full. */
  heartbeat(): void;
  /** Sends every event committed so far, ends the body, and resolves once it closed. */
  finish(): Promise<void>;
  /** Ends the body now; the client resumes from its Last-Event-ID. */
  end(): void;
  /** Its sink closed (the client left, or the body ended and flushed). */
  closed(): void;
  /** Its socket drained after {@link SseConnections.waitForDrain}. */
  drained(): void;
}

/**
 * The open event streams, by their sink's emitter (a response, or a raw socket): one
 * heartbeat timer for all of them, and the daemon can finish or end them when it stops.
 * The 'close' and 'drain' listeners are shared by every connection and find their
 * stream here, so a connection needs no closure of its own: idle connections are the
 * daemon's largest memory cost.
 */
export interface SseConnections {
  /** Registers a stream until its sink closes; then calls its `closed()`. */
  add(sink: StreamEmitter, stream: OpenStream): void;
  /** Calls the stream's `drained()` once its sink's socket has room again. */
  waitForDrain(sink: StreamEmitter): void;
  /** Open streams, counting those whose body is ending. */
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

/**
 * What the registry keys a stream on: its sink's emitter (an {@link SseSink}, or a
 * `{ emitter: response }` for streams written elsewhere, such as the AI SDK endpoints).
 */
export type StreamEmitter = Pick<SseSink, 'emitter'>;

/** Options of {@link createSseConnections}. */
export interface SseConnectionsOptions {
  /** Milliseconds between heartbeat comments on every open stream. Default 15000. */
  readonly heartbeatMs?: number;
}

/** Creates the registry of open event streams; its heartbeat timer runs only while one is open. */
export function createSseConnections(options: SseConnectionsOptions = {}): SseConnections {
  const open = new Map<EventEmitter, OpenStream>();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let heartbeat: NodeJS.Timeout | undefined;
  const beat = () => {
    for (const stream of open.values()) stream.heartbeat();
  };
  const stopBeating = () => {
    if (heartbeat !== undefined) clearInterval(heartbeat);
    heartbeat = undefined;
  };
  // One listener of each kind for every connection (`this` is the sink's emitter).
  function onClose(this: EventEmitter) {
    const stream = open.get(this);
    if (stream === undefined) return;
    open.delete(this);
    if (open.size === 0) stopBeating();
    stream.closed();
  }
  function onDrain(this: EventEmitter) {
    open.get(this)?.drained();
  }
  return {
    add(sink, stream) {
      open.set(sink.emitter, stream);
      sink.emitter.on('close', onClose);
      if (heartbeat === undefined) {
        heartbeat = setInterval(beat, heartbeatMs);
        heartbeat.unref();
      }
    },
    waitForDrain(sink) {
      sink.emitter.once('drain', onDrain);
    },
    get size() {
      return open.size;
    },
    async finishAll(timeoutMs) {
      const finishing = [...open.values()].map((stream) => stream.finish().catch(() => {}));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.all(finishing), timeout]);
      clearTimeout(timer);
    },
    endAll() {
      for (const stream of open.values()) stream.end();
      // Their 'close' events may come after the server is gone: forget them now.
      for (const stream of open.values()) stream.closed();
      open.clear();
      stopBeating();
    },
  };
}
