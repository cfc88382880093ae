import type { EventEmitter } from 'node:events';

/**
 * Where one event stream's bytes go: a node:http response (`response-sink.ts`), or a raw
 * socket that never met node:http's parser (`socket-sink.ts`). The stream's state
 * machine (`event-streams.ts`) writes only through this, so both paths behave the same.
 */
export interface SseSink {
  /** How the bytes reach the client: `socket` (raw, close-delimited) or `http` (a node:http response). */
  readonly transport: 'socket' | 'http';
  /**
   * Emits `'close'` once the client left or the body ended and flushed, and `'drain'`
   * when a full socket has room again. The registry of open streams keys on it, so that
   * its listeners can be shared by every connection.
   */
  readonly emitter: EventEmitter;
  /** False once nothing more can be written: the client left, or the body ended. */
  readonly writable: boolean;
  /** True while the socket's buffer is full: write again after `'drain'`. */
  readonly full: boolean;
  /** Sends the head of a `200 text/event-stream` response. Called once, before any write. */
  open(): void;
  /** Writes frames; false when the socket's buffer is now full. */
  write(chunk: string): boolean;
  /** Ends the body after `chunk`, sending the head first if it was not sent. */
  end(chunk?: string): void;
}
