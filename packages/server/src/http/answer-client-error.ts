import type { Socket } from 'node:net';
import { OnceError } from '@once/protocol';

/** What node's HTTP parser says went wrong, in words a person sending the request can act on. */
function describe(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'The request is not valid HTTP/1.1 for this daemon: its headers are too large.';
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return 'The request is not valid HTTP/1.1: its Content-Length or Transfer-Encoding is wrong.';
    default:
      return (
        'The request is not valid HTTP/1.1 (a body needs a Content-Length or chunked Transfer-Encoding, ' +
        'and every header line a name and a colon); check the client that sent it.'
      );
  }
}

/** A response node:http is still making on a socket, if any, with its request. */
type PendingResponse = NodeJS.EventEmitter & { writableFinished?: boolean; req?: { complete?: boolean } };

/**
 * Fastify's `clientErrorHandler`: bytes node's HTTP parser refuses (a malformed request
 * line or header, a body sent without a length that then reads as a second request) are
 * answered in the daemon's error format, not Fastify's own, and the connection is closed,
 * since nothing after a parse error can be trusted to be a request. Unlike node's own
 * handler, a response still being made for an earlier, valid request on the socket is let
 * finish first: that request may have written (a DELETE whose body had no length), and its
 * client must learn that it did. A socket already gone is only destroyed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(new OnceError('invalid_request', describe(error)).toBody());
  // Headers too large keep node's own status, which clients and proxies know.
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const refuse = () =>
    socket.end(
      `HTTP/1.1 ${status}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  const pending = (socket as { _httpMessage?: PendingResponse | null })._httpMessage;
  if (pending === undefined || pending === null || pending.writableFinished === true) {
    refuse();
    return;
  }
  // The request being answered lost the rest of its body (the client closed its side
  // halfway through an upload): it can never end, so its response would never finish.
  // Destroying the socket errors the request, and whoever reads the body stops and keeps
  // nothing of it.
  if (pending.req?.complete === false) {
    socket.destroy();
    return;
  }
  pending.once('finish', refuse);
  pending.once('close', () => {
    if (pending.writableFinished !== true) socket.destroy();
  });
}
