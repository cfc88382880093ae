import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_HEAD_BYTES, readRequestHead } from './read-request-head.ts';

const PLAIN =
  'GET /v1/conversations/abc/events?after=3&token=t%2D1 HTTP/1.1\r\n' +
  'Host: localhost:7420\r\n' +
  'Accept: text/event-stream\r\n' +
  'Last-Event-ID:   7 \r\n' +
  'Authorization: Bearer secret\r\n' +
  '\r\n';
const read = (text: string) => readRequestHead(Buffer.from(text, 'latin1'));
const withHeader = (line: string) => PLAIN.replace('Host:', `${line}\r\nHost:`);

describe('readRequestHead', () => {
  it('reads a plain GET head: its target as sent, header names lowercased, values without surrounding spaces', () => {
    expect(read(PLAIN)).toEqual({
      url: '/v1/conversations/abc/events?after=3&token=t%2D1',
      headers: {
        host: 'localhost:7420',
        accept: 'text/event-stream',
        'last-event-id': '7',
        authorization: 'Bearer secret',
      },
    });
    expect(read('GET / HTTP/1.0\r\n\r\n')).toEqual({ url: '/', headers: {} });
  });

  it('calls every prefix of a plain head incomplete, whatever the chunks it arrived in', () => {
    fc.assert(
      fc.property(fc.nat({ max: PLAIN.length - 1 }), (length) => {
        expect(read(PLAIN.slice(0, length))).toBe('incomplete');
      }),
    );
    // The end of the head is found from `from` on, as the server passes it: three bytes before the last chunk.
    fc.assert(
      fc.property(fc.nat({ max: PLAIN.length - 1 }), (cut) => {
        const bytes = Buffer.from(PLAIN, 'latin1');
        expect(readRequestHead(bytes, Math.max(0, cut - 3))).toEqual(read(PLAIN));
      }),
    );
  });

  it.each([
    ['another method', PLAIN.replace('GET', 'POST')],
    ['a lowercase method', PLAIN.replace('GET', 'get')],
    ['HTTP/2', PLAIN.replace('HTTP/1.1', 'HTTP/2.0')],
    ['an absolute-form target', PLAIN.replace('GET /', 'GET http://localhost/')],
    ['two spaces in the request line', PLAIN.replace('GET /', 'GET  /')],
    ['a tab in the request line', PLAIN.replace('GET /', 'GET\t/')],
    ['a fragment in the target', PLAIN.replace('?after', '#after')],
    ['a target with a byte above ASCII', PLAIN.replace('abc', 'ab\u00e9')],
    ['an empty line before the request line', `\r\n${PLAIN}`],
    ['obs-fold', withHeader('X-Folded: a\r\n b')],
    ['a space before the colon', withHeader('X-Spaced : a')],
    ['a header without a colon', withHeader('X-Bare')],
    ['an empty header name', withHeader(': a')],
    ['a control character in a value', withHeader('X-Odd: a\u0001b')],
    ['obs-text in a value', withHeader('X-Odd: caf\u00e9')],
    ['a bare LF', withHeader('X-One: a\nX-Two: b')],
    ['a bare CR', withHeader('X-One: a\rX-Two: b')],
    ['a header given twice', withHeader('accept: text/event-stream')],
    ['a header given twice in another case', withHeader('HOST: other')],
    ['Content-Length', withHeader('Content-Length: 0')],
    ['Transfer-Encoding', withHeader('Transfer-Encoding: chunked')],
    ['Upgrade', withHeader('Upgrade: websocket')],
    ['Expect', withHeader('Expect: 100-continue')],
    ['no Host on HTTP/1.1', PLAIN.replace(/Host: [^\r]*\r\n/, '')],
    ['bytes after the head', `${PLAIN}GET / HTTP/1.1\r\n\r\n`],
    ['too many headers', withHeader(Array.from({ length: 70 }, (_, index) => `X-${index}: a`).join('\r\n'))],
    ['too large a head', withHeader(`X-Big: ${'a'.repeat(MAX_HEAD_BYTES)}`)],
    ['too large a head, still incomplete', `GET /${'a'.repeat(MAX_HEAD_BYTES)}`],
    ['bytes that cannot start a GET', '\u0016\u0003\u0001'],
  ])('calls %s unusual, for node:http to judge', (_name, text) => {
    expect(read(text)).toBe('unusual');
  });

  it('gives a header named like an Object method as a header, nothing else', () => {
    const head = read(withHeader('__proto__: x\r\nconstructor: y'));
    expect(head).not.toBe('unusual');
    const headers = (head as Exclude<typeof head, string>).headers;
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect({ ...headers }).toMatchObject({ ['__proto__']: 'x', constructor: 'y' });
  });
});
