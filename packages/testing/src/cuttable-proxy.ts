import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy in front of a server, whose connections a test can cut as a network would. */
export interface CuttableProxy extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` of the proxy: give it to the client instead of the server's url. */
  readonly url: string;
  /**
   * Drops every open connection at once (both sides see a reset), and refuses new ones
   * for `refuseMs` milliseconds (default 0), as a network that comes back later.
   */
  cut(options?: { readonly refuseMs?: number }): void;
  /** How many connections were cut so far. */
  readonly cuts: number;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/**
 * Starts a proxy on a free port that forwards every connection to `target()` (`host:port`
 * read at each connection, so a server that came back on another port is followed).
 */
export async function startCuttableProxy(target: () => { host: string; port: number }): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let refusingUntil = 0;
  let cuts = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset is what the test asks for; it must not surface as an uncaught error.
    socket.on('error', () => {});
  };
  const server = createServer((client) => {
    track(client);
    if (Date.now() < refusingUntil) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target());
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The proxy has no TCP address.');
  const dropAll = () => {
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
  };
  const close = async () => {
    dropAll();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut(options = {}) {
      refusingUntil = Date.now() + (options.refuseMs ?? 0);
      cuts += sockets.size > 0 ? 1 : 0;
      dropAll();
    },
    get cuts() {
      return cuts;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
