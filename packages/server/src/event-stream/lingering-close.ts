import type { Socket } from 'node:net';

/** How long a connection node:http closes goes on reading what its client still sends, at most, in ms. */
export const LINGER_MS = 2_000;

/**
 * Makes node:http close `socket` as a careful server does ("lingering close"). node:http
 * ends a `Connection: close` response by destroying the socket once the answer is
 * flushed, even when the request's body is still arriving (a refused upload, a 413):
 * the client's next bytes then meet a closed socket, its kernel gets a reset, and a
 * reset drops the answer it had not read yet, so it sees EPIPE or ECONNRESET instead of
 * the refusal. Here the socket still ends its side at once, then reads and drops what
 * the client sends until the client ends its side too, or {@link LINGER_MS} pass.
 */
export function lingerWhenClosing(socket: Socket): void {
  socket.destroySoon = function destroyAfterLingering(this: Socket) {
    if (this.writable) this.end();
    if (this.readableEnded || this.destroyed) {
      this.destroy();
      return;
    }
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('end', () => this.destroy());
    this.once('close', () => clearTimeout(timer));
    this.resume();
  };
}
