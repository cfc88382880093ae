/**
 * A deliberately strict reader of the first request head on a new connection, for the
 * event-stream server (`event-stream-server.ts`). It is not an HTTP parser: it accepts
 * only a plain, complete `GET <path> HTTP/1.1` (or 1.0) head, and calls anything else
 * `'unusual'`, so that node:http reads those bytes instead and applies its own rules and
 * errors. Unusual: a method other than GET, a target not starting with `/`, obs-fold,
 * whitespace or characters out of place, a bare CR or LF, a header given twice,
 * Content-Length, Transfer-Encoding, Upgrade or Expect, no Host on HTTP/1.1, more than
 * {@link MAX_HEAD_BYTES} bytes or {@link MAX_HEADERS} headers, or bytes after the head.
 */

/** A head this reader accepted. */
export interface RequestHead {
  /** The request target as sent: the path and its query. */
  readonly url: string;
  /** Header names lowercased; each present once. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Longer heads go to node:http (whose own limit is 16 KiB). */
export const MAX_HEAD_BYTES = 8192;
/** More headers than this go to node:http. */
export const MAX_HEADERS = 64;

const START = 'GET /';
const HEAD_END = '\r\n\r\n';
// Origin-form targets with the characters RFC 3986 allows, nothing else.
const REQUEST_LINE = /^GET (\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*) HTTP\/1\.([01])$/;
// A token name, a colon, then visible ASCII, spaces and tabs only (no obs-text, no controls).
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):([\t\x20-\x7e]*)$/;
const REFUSED = new Set(['content-length', 'transfer-encoding', 'upgrade', 'expect']);

/**
 * Reads the head in `bytes`, everything the connection has sent so far: the head, or
 * `'incomplete'` when it may still become one, or `'unusual'`. `from` is where the end of
 * the head may start (a few bytes before the last chunk), so a head arriving byte by byte
 * is not searched from its start each time.
 */
export function readRequestHead(bytes: Buffer, from = 0): RequestHead | 'incomplete' | 'unusual' {
  const end = bytes.indexOf(HEAD_END, from);
  if (end === -1) {
    if (bytes.length > MAX_HEAD_BYTES) return 'unusual';
    return START.startsWith(bytes.toString('latin1', 0, START.length)) ? 'incomplete' : 'unusual';
  }
  if (end + HEAD_END.length !== bytes.length || bytes.length > MAX_HEAD_BYTES) return 'unusual';
  const text = bytes.toString('latin1', 0, end);
  const lines = text.split('\r\n');
  if (lines.length - 1 > MAX_HEADERS) return 'unusual';
  const requestLine = REQUEST_LINE.exec(lines[0] ?? '');
  if (requestLine === null) return 'unusual';
  // No prototype: a header named like an Object method is just a header.
  const headers: Record<string, string> = Object.create(null);
  for (let index = 1; index < lines.length; index += 1) {
    const header = HEADER_LINE.exec(lines[index] ?? '');
    if (header === null) return 'unusual';
    const name = (header[1] as string).toLowerCase();
    if (Object.hasOwn(headers, name) || REFUSED.has(name)) return 'unusual';
    // The value's characters are visible ASCII, space and tab, so trim() removes only OWS.
    headers[name] = (header[2] as string).trim();
  }
  if (requestLine[2] === '1' && headers.host === undefined) return 'unusual';
  return { url: requestLine[1] as string, headers };
}
