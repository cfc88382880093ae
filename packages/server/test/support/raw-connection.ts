import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A response read off a raw connection: status, headers (names lowercased) and the body so far. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * One TCP connection to a server, written and read byte for byte, so a test controls
 * exactly what the server sees: a fresh connection, a head in pieces, a malformed head,
 * several requests on one socket.
 */
export interface RawConnection extends AsyncDisposable {
  /** Everything received so far. */
  readonly received: string;
  /** True once the server closed the connection. */
  readonly ended: boolean;
  /** Writes bytes as one TCP segment (no Nagle delay). */
  write(bytes: string): Promise<void>;
  /** Writes one byte at a time, `pauseMs` apart, so each byte is a TCP segment of its own. */
  writeByteByByte(bytes: string, pauseMs?: number): Promise<void>;
  /** Waits until what was received since `from` satisfies `match`; returns it. */
  until(match: (text: string) => boolean, from?: number, timeoutMs?: number): Promise<string>;
  /** Like `until`, but looks only at the last 256 characters received: for long streams. */
  untilTail(match: (tail: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Waits until the server closes the connection; returns everything received. */
  closed(timeoutMs?: number): Promise<string>;
  /** Stops reading from the socket: the server sees a client that does not read. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** Opens a TCP connection to the host and port of `url`. */
export async function connectRaw(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  // Chunks, joined when read: appending to one string would make every read of a long
  // stream copy all of it.
  const chunks: string[] = [];
  let tail = '';
  let ended = false;
  let wake = () => {};
  const received = () => {
    if (chunks.length > 1) chunks.splice(0, chunks.length, chunks.join(''));
    return chunks[0] ?? '';
  };
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    chunks.push(chunk);
    tail = (tail + chunk).slice(-256);
    wake();
  });
  socket.on('close', () => {
    ended = true;
    wake();
  });
  socket.on('error', () => {});
  const waitFor = async (done: () => boolean, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${what}; received: ${JSON.stringify(received().slice(0, 2000))}`);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  const write = (bytes: string) =>
    new Promise<void>((resolve, reject) =>
      socket.write(bytes, 'latin1', (error) => (error ? reject(error) : resolve())),
    );
  const close = async () => {
    socket.destroy();
  };
  return {
    get received() {
      return received();
    },
    get ended() {
      return ended;
    },
    write,
    async writeByteByByte(bytes, pauseMs = 2) {
      for (const byte of bytes) {
        await write(byte);
        await sleep(pauseMs);
      }
    },
    async until(match, from = 0, timeoutMs = 5000) {
      const since = () => (from === 0 ? received() : received().slice(from));
      await waitFor(() => match(since()), timeoutMs, 'a match');
      return since();
    },
    async untilTail(match, timeoutMs = 5000) {
      await waitFor(() => match(tail), timeoutMs, 'a match at the end');
    },
    async closed(timeoutMs = 5000) {
      await waitFor(() => ended, timeoutMs, 'the server to close');
      return received();
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A GET head, as a client on a fresh connection would send it. */
export function getHead(path: string, headers: Record<string, string> = {}, version = '1.1'): string {
  const lines = [`GET ${path} HTTP/${version}`, 'Host: localhost', 'Accept: text/event-stream'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Parses the first response in `text`: its head, and its body (by Content-Length when it
 * has one; otherwise, as for an event stream, everything after the head).
 */
export function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`No complete response head in ${JSON.stringify(text)}`);
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = text.slice(end + 4);
  const length = headers['content-length'];
  return { status, headers, body: length === undefined ? rest : rest.slice(0, Number(length)) };
}

/** True once `text` holds a complete response with a Content-Length body. */
export function hasWholeResponse(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return false;
  const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, end))?.[1];
  return length !== undefined && text.length >= end + 4 + Number(length);
}
