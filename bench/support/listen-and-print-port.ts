import type { Server } from 'node:http';

/** Listens on a free loopback port and prints it on stdout, which is how the bench learns where a child server is. */
export function listenAndPrintPort(server: Server): void {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
  });
}
