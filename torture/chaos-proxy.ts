import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SeededRandom } from './seeded-random.ts';

/** What the proxy did to the bytes so far. */
export interface ChaosCounts {
  /** Chunks split into several writes. */
  splits: number;
  /** Chunks held back a few milliseconds. */
  delays: number;
  /** Connections that stopped passing bytes for a while (a stalled network path). */
  stalls: number;
  /** Times every open connection was reset at once. */
  cuts: number;
}

/** A TCP proxy between clients and a daemon that delays, splits and stalls bytes, and cuts connections. */
export interface ChaosProxy extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: the clients' address of the daemon. */
  readonly url: string;
  readonly counts: Readonly<ChaosCounts>;
  /** Resets every open connection, and refuses new ones for `refuseMs`. */
  cut(refuseMs: number): void;
  /** Stops mangling bytes (for the quiet end of a run); cuts still work. */
  calm(): void;
  close(): Promise<void>;
}

/**
 * Starts the proxy in front of `target` (read at each connection). Every chunk, either
 * way, may be split into pieces written apart, each maybe delayed; now and then a
 * connection stalls for up to 1.5 s. Bytes keep their order: each direction is a queue.
 */
export async function startChaosProxy(
  target: () => { host: string; port: number },
  random: SeededRandom,
): Promise<ChaosProxy> {
  const counts: ChaosCounts = { splits: 0, delays: 0, stalls: 0, cuts: 0 };
  const sockets = new Set<Socket>();
  let refusingUntil = 0;
  let calm = false;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };

  /** Forwards `from` to `to` through a queue that splits, delays and stalls. */
  const forward = (from: Socket, to: Socket) => {
    let queue = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const pieces = !calm && chunk.length > 1 && random.chance(0.3) ? split(chunk, random) : [chunk];
      if (pieces.length > 1) counts.splits += 1;
      const stallMs = !calm && random.chance(0.002) ? random.int(200, 1500) : 0;
      const delays = pieces.map(() => (!calm && random.chance(0.1) ? random.int(1, 30) : 0));
      if (stallMs > 0) counts.stalls += 1;
      counts.delays += delays.filter((ms) => ms > 0).length;
      queue = queue.then(async () => {
        if (stallMs > 0) await sleep(stallMs);
        for (const [index, piece] of pieces.entries()) {
          const ms = delays[index] ?? 0;
          if (ms > 0) await sleep(ms);
          if (to.destroyed) return;
          to.write(piece);
        }
      });
    });
    from.on('end', () => {
      queue = queue.then(() => {
        if (!to.destroyed) to.end();
      });
    });
  };

  const server = createServer((client) => {
    track(client);
    if (Date.now() < refusingUntil) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target());
    track(upstream);
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The chaos proxy has no TCP address.');

  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${address.port}`,
    counts,
    cut(refuseMs) {
      refusingUntil = Date.now() + refuseMs;
      counts.cuts += 1;
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
    },
    calm() {
      calm = true;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Cuts a chunk at 1 to 4 random places. */
function split(chunk: Buffer, random: SeededRandom): Buffer[] {
  const cuts = [...new Set(Array.from({ length: random.int(1, 4) }, () => random.int(1, chunk.length - 1)))].sort(
    (a, b) => a - b,
  );
  return [0, ...cuts].map((start, index) => chunk.subarray(start, cuts[index] ?? chunk.length));
}
