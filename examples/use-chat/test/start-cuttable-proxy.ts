// A TCP proxy between the page and the daemon that a test can cut, as a network drop
// would: every open connection is reset (RST, not a clean close, which a body that ends
// with its connection could not tell from its end), and for a while new connections are
// reset as soon as they arrive.
import { type AddressInfo, createConnection, createServer, type Socket } from 'node:net';

/** A running proxy. */
export interface CuttableProxy extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: the daemon as the page sees it. */
  readonly url: string;
  /** Resets every open connection, and refuses new ones for `offlineMs` (default 0). */
  cut(offlineMs?: number): void;
  /** Connections cut so far, so a test can tell that a cut hit something. */
  readonly cutConnections: number;
}

/** Starts a proxy that forwards every connection to `127.0.0.1:targetPort`. */
export async function startCuttableProxy(targetPort: number): Promise<CuttableProxy> {
  /** Each open connection: the page's socket and the daemon's. */
  const connections = new Set<readonly [Socket, Socket]>();
  let offlineUntil = 0;
  let cutConnections = 0;
  const server = createServer((client) => {
    // A reset peer is the point of this proxy; its errors need no report.
    client.on('error', () => {});
    if (Date.now() < offlineUntil) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    upstream.on('error', () => {});
    const connection = [client, upstream] as const;
    connections.add(connection);
    client.pipe(upstream);
    upstream.pipe(client);
    // One side ending or failing ends the other the same way.
    const forward = (from: Socket, to: Socket) =>
      from.on('close', () => {
        connections.delete(connection);
        if (to.destroyed) return;
        if (from.errored === null) to.end();
        else to.resetAndDestroy();
      });
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get cutConnections() {
      return cutConnections;
    },
    cut(offlineMs = 0) {
      offlineUntil = Date.now() + offlineMs;
      for (const connection of connections) {
        cutConnections += 1;
        for (const socket of connection) socket.resetAndDestroy();
      }
      connections.clear();
    },
    async [Symbol.asyncDispose]() {
      for (const connection of connections) for (const socket of connection) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
