import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ResponseSink } from '../src/event-stream/response-sink.ts';
import { SocketSink } from '../src/event-stream/socket-sink.ts';
import type { SseSink } from '../src/event-stream/sse-sink.ts';
import { connectRaw, getHead, parseResponse, type RawConnection } from './support/raw-connection.ts';

// One suite for the interface every event stream writes through, run against both sinks
// over real sockets: what EventStream and SseConnections rely on must hold for each.

interface Connected extends AsyncDisposable {
  readonly sink: SseSink;
  readonly client: RawConnection;
}

/** A server whose first connection's request becomes a sink; returns it with the client. */
async function connectSink(server: Server, accepted: Promise<SseSink>): Promise<Connected> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = await connectRaw(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await client.write(getHead('/events'));
  const sink = await accepted;
  return {
    sink,
    client,
    async [Symbol.asyncDispose]() {
      await client.close();
      // A response's socket, or the socket itself: the server closes once it is gone.
      const socket = 'socket' in sink.emitter ? sink.emitter.socket : sink.emitter;
      (socket as { destroy(): void } | null)?.destroy();
      server.close();
    },
  };
}

const sinks: readonly [string, () => Promise<Connected>][] = [
  [
    'ResponseSink (node:http)',
    () => {
      const { promise, resolve } = Promise.withResolvers<SseSink>();
      const server = createHttpServer((_request, response) => resolve(new ResponseSink(response)));
      return connectSink(server, promise);
    },
  ],
  [
    'SocketSink (raw socket)',
    () => {
      const { promise, resolve } = Promise.withResolvers<SseSink>();
      // As event-stream-server.ts leaves a socket it serves: errors ignored (the socket
      // closes), head read, half-open off, reading on.
      const server = createNetServer({ allowHalfOpen: true }, (socket) => {
        socket.on('error', () => {});
        socket.once('data', () => {
          socket.allowHalfOpen = false;
          socket.resume();
          resolve(new SocketSink(socket));
        });
      });
      return connectSink(server, promise);
    },
  ],
];

describe.each(sinks)('%s', (_name, connect) => {
  it('sends a 200 event-stream head, then the frames in order', async () => {
    await using connected = await connect();
    const { sink, client } = connected;
    expect(sink.writable).toBe(true);
    sink.open();
    expect(sink.write('retry: 1000\n\n')).toBe(true);
    sink.write('id: 1\nevent: a\ndata: {}\n\n');
    const text = await client.until((received) => received.includes('id: 1\n'));
    const response = parseResponse(text);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache, no-transform');
    expect(response.body.indexOf('retry: 1000')).toBeLessThan(response.body.indexOf('id: 1'));
  });

  it('ends after a last chunk: the chunk arrives, the sink closes and can no longer be written', async () => {
    await using connected = await connect();
    const { sink, client } = connected;
    sink.open();
    const closed = once(sink.emitter, 'close');
    sink.end('event: reset\ndata: {"offset":3}\n\n');
    expect(sink.writable).toBe(false);
    await closed;
    await client.until((received) => received.includes('event: reset\n'));
  });

  it('answers as an event stream even when ended before it opened', async () => {
    await using connected = await connect();
    connected.sink.end();
    const response = parseResponse(await connected.client.until((received) => received.includes('\r\n\r\n')));
    expect([response.status, response.headers['content-type']]).toEqual([200, 'text/event-stream; charset=utf-8']);
  });

  it('is full while a client does not read, and emits drain once it does', async () => {
    await using connected = await connect();
    const { sink, client } = connected;
    client.pause();
    sink.open();
    const frame = `data: ${'x'.repeat(64 * 1024)}\n\n`;
    let writes = 0;
    while (sink.write(frame)) {
      writes += 1;
      // Let the kernel take what it can, so only a client that does not read fills the socket.
      if (writes % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (writes > 10_000) throw new Error('The sink never became full.');
    }
    expect(sink.full).toBe(true);
    const drained = once(sink.emitter, 'drain');
    client.resume();
    await drained;
    expect(sink.full).toBe(false);
  });

  it('closes, and can no longer be written, when the client leaves', async () => {
    await using connected = await connect();
    const { sink, client } = connected;
    sink.open();
    // Not events.once, which rejects on the 'error' (ECONNRESET) that may come first.
    const closed = new Promise((resolve) => sink.emitter.once('close', resolve));
    await client.close();
    await closed;
    expect(sink.writable).toBe(false);
  });
});
