import type { Socket } from 'node:net';

/** How long a closing connection may send nothing before it is dropped, in ms. */
export const LINGER_QUIET_MS = 10_000;
/** How long a closing connection is read at most, however steadily its client sends, in ms. */
export const LINGER_MAX_MS = 30_000;

/**
 * Makes node:http close `socket` as a careful server does ("lingering close"). node:http
 * ends a `Connection: close` response by destroying the socket once the answer is
 * flushed, even when the request's body is still arriving (a refused upload, a 413, an
 * unknown route): the client's next bytes then meet a closed socket, its kernel gets a
 * reset, and a reset drops the answer it had not read yet, so it sees EPIPE or
 * ECONNRESET instead of the refusal. Here the socket still ends its side at once, then
 * reads and drops what the client sends until the client ends its side too. A client
 * stalled on a busy machine keeps its answer: only {@link LINGER_QUIET_MS} without a byte,
 * or {@link LINGER_MAX_MS} in all, drop the connection.
 */
export function lingerWhenClosing(socket: Socket): void {
  socket.destroySoon = function destroyAfterLingering(this: Socket) {
    if (this.writable) this.end();
    if (this.readableEnded || this.destroyed) {
      this.destroy();
      return;
    }
    const drop = () => this.destroy();
    const quiet = setTimeout(drop, LINGER_QUIET_MS).unref();
    const atMost = setTimeout(drop, LINGER_MAX_MS).unref();
    this.on('data', () => quiet.refresh());
    this.once('end', drop);
    this.once('close', () => {
      clearTimeout(quiet);
      clearTimeout(atMost);
    });
    this.resume();
  };
}
