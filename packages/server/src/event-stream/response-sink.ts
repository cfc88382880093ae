import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { SseSink } from './sse-sink.ts';

// One flat array for every stream: no headers object per connection.
const SSE_HEADERS = [
  'content-type',
  'text/event-stream; charset=utf-8',
  'cache-control',
  'no-cache, no-transform',
  'connection',
  'keep-alive',
  'x-accel-buffering',
  'no',
];
// The same, for a head with more headers.
const SSE_RECORD: Readonly<Record<string, string>> = Object.fromEntries(
  SSE_HEADERS.flatMap((name, index) => (index % 2 === 0 ? [[name, SSE_HEADERS[index + 1] as string]] : [])),
);

/**
 * An event stream on a node:http response: the path of a request that reached node:http
 * (a keep-alive socket's later request, a head the raw reader left to node:http, or
 * `app.inject()`). node:http frames the body in chunks.
 */
export class ResponseSink implements SseSink {
  readonly emitter: ServerResponse;
  /** More headers for the head (the CORS headers); undefined for none, the common case. */
  private readonly headers: OutgoingHttpHeaders | undefined;

  constructor(response: ServerResponse, headers?: OutgoingHttpHeaders) {
    this.emitter = response;
    this.headers = headers === undefined || Object.keys(headers).length === 0 ? undefined : headers;
  }

  get transport(): 'http' {
    return 'http';
  }

  get writable(): boolean {
    return !this.emitter.writableEnded && this.emitter.socket?.destroyed === false;
  }

  get full(): boolean {
    return this.emitter.writableNeedDrain;
  }

  open(): void {
    this.writeHead();
    flattenResponseHead(this.emitter);
  }

  write(chunk: string): boolean {
    return this.emitter.write(chunk);
  }

  end(chunk?: string): void {
    // Even a stream ended before it started answers as an event stream, so that an
    // EventSource reconnects instead of giving up on a wrong content type.
    if (!this.emitter.headersSent) this.writeHead();
    if (chunk === undefined) this.emitter.end();
    else this.emitter.end(chunk);
  }

  private writeHead(): void {
    if (this.headers === undefined) this.emitter.writeHead(200, SSE_HEADERS);
    else this.emitter.writeHead(200, { ...this.headers, ...SSE_RECORD });
  }
}

/**
 * node:http keeps the head it wrote (`_header`) for the life of the response, built by
 * `+=` as a rope of about twenty string pieces (~0.7 KB per connection); reading one
 * character makes V8 flatten it in place into one string (~0.2 KB). `_header` is private
 * to node:http, so it is only read, and only when it is a string.
 */
function flattenResponseHead(response: ServerResponse): void {
  const head = (response as unknown as { _header?: unknown })._header;
  if (typeof head === 'string') head.charCodeAt(0);
}
