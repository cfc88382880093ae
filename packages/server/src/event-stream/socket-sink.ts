import type { Socket } from 'node:net';
import type { SseSink } from './sse-sink.ts';

// The headers node:http sends for an event stream (response-sink.ts), but the body runs
// until the connection closes (no chunked framing, nothing a later request could follow),
// so it says `connection: close`.
const HEAD =
  'HTTP/1.1 200 OK\r\n' +
  'content-type: text/event-stream; charset=utf-8\r\n' +
  'cache-control: no-cache, no-transform\r\n' +
  'connection: close\r\n' +
  'x-accel-buffering: no\r\n';

/**
 * An event stream written straight to a socket that carried nothing but its request
 * (`event-stream-server.ts`): no HTTP parser, request or response objects live
 * beside it. The body is delimited by the connection's close.
 */
export class SocketSink implements SseSink {
  readonly emitter: Socket;
  /** More header lines, each ending in CRLF (the CORS headers); shared, not built per stream. */
  private readonly headerLines: string;
  private headSent = false;

  constructor(socket: Socket, headerLines = '') {
    this.emitter = socket;
    this.headerLines = headerLines;
  }

  get transport(): 'socket' {
    return 'socket';
  }

  get writable(): boolean {
    return !this.emitter.destroyed && !this.emitter.writableEnded;
  }

  get full(): boolean {
    return this.emitter.writableNeedDrain;
  }

  open(): void {
    this.headSent = true;
    this.emitter.write(`${HEAD}${this.headerLines}Date: ${new Date().toUTCString()}\r\n\r\n`);
  }

  write(chunk: string): boolean {
    return this.emitter.write(chunk);
  }

  end(chunk?: string): void {
    if (!this.writable) return;
    if (!this.headSent) this.open();
    if (chunk !== undefined) this.emitter.write(chunk);
    // Ends, and closes once flushed without waiting for the client's FIN, as node:http
    // does after a `connection: close` response.
    this.emitter.destroySoon();
  }
}
