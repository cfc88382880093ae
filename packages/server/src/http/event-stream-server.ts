import { type RequestListener, Server, type ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { SocketSink } from '../sse/socket-sink.ts';
import type { AcceptedEventStream, EventStreamGate } from './event-stream-gate.ts';
import { readRequestHead } from './read-request-head.ts';

/** How long a new connection may take to send its first head before node:http reads it instead, in ms. */
export const HEAD_TIMEOUT_MS = 1_000;

const NOTHING = Buffer.alloc(0);

/**
 * A node:http server that reads the first request head of each new connection itself.
 * An event-stream request the gate lets through is served on the raw socket
 * (`SocketSink`): node:http's parser, request and response objects are never made for
 * that connection, which is most of what an idle stream costs (decision 006). Anything
 * else — another request, a refusal, a head the strict reader calls unusual, a head
 * slower than {@link HEAD_TIMEOUT_MS} — goes back to node:http with the bytes read so
 * far, as if it had just connected, so Fastify answers exactly as it would have.
 *
 *   connected ──head──► checking ──accepted──► served raw (until the socket closes)
 *       │                  │
 *       └─ unusual/slow ───┴── refused ──► node:http's connection listener
 *
 * A connection keeps no closure of its own once served: the socket listeners are shared
 * (`this` is the socket), and the head read so far waits in a map while it is checked.
 */
export class EventStreamServer extends Server {
  /** Connections whose first head is being read or checked, with the bytes read so far. */
  private readonly pending = new Map<Socket, Buffer>();
  /** Connections served raw: node:http does not know them, so closing the server ends them here. */
  private readonly served = new Set<Socket>();

  constructor(options: ServerOptions, gate: () => EventStreamGate | undefined, requestListener: RequestListener) {
    super(options, requestListener);
    const { pending, served } = this;
    const [nodeConnection] = this.listeners('connection') as ((socket: Socket) => void)[];
    if (nodeConnection === undefined) throw new Error('node:http added no connection listener.');
    this.removeListener('connection', nodeConnection);

    function forget(this: Socket) {
      pending.delete(this);
      served.delete(this);
    }
    function ignoreError() {
      // The socket is destroyed and closes; 'close' forgets it.
    }
    function onEnd(this: Socket) {
      // The client stopped sending before its head was complete: nobody to answer.
      this.destroy();
    }
    function onTimeout(this: Socket) {
      stopReading(this);
      handOff(this);
    }
    function onReadable(this: Socket) {
      let bytes = pending.get(this) ?? NOTHING;
      // The head's end may straddle the previous chunk and this one.
      const from = Math.max(0, bytes.length - 3);
      for (let chunk: Buffer | null = this.read(); chunk !== null; chunk = this.read()) {
        bytes = bytes.length === 0 ? chunk : Buffer.concat([bytes, chunk]);
      }
      pending.set(this, bytes);
      const head = readRequestHead(bytes, from);
      if (head === 'incomplete') return;
      stopReading(this);
      let checked: ReturnType<EventStreamGate['check']>;
      try {
        checked =
          head === 'unusual' ? undefined : gate()?.check({ method: 'GET', url: head.url, headers: head.headers });
      } catch {
        // Whatever went wrong, node:http and Fastify answer it as they would have.
        checked = undefined;
      }
      if (checked === undefined) {
        handOff(this);
        return;
      }
      checked.then(
        (accepted) => (accepted === undefined ? handOff(this) : serve(this, accepted)),
        () => handOff(this),
      );
    }
    const stopReading = (socket: Socket) => {
      socket.setTimeout(0);
      socket.removeListener('readable', onReadable);
      socket.removeListener('end', onEnd);
      socket.removeListener('timeout', onTimeout);
    };
    const handOff = (socket: Socket) => {
      const bytes = pending.get(socket);
      pending.delete(socket);
      socket.removeListener('close', forget);
      socket.removeListener('error', ignoreError);
      if (bytes === undefined || socket.destroyed) return;
      if (bytes.length > 0) socket.unshift(bytes);
      nodeConnection.call(this, socket);
    };
    const serve = (socket: Socket, accepted: AcceptedEventStream) => {
      const current = gate();
      if (!pending.delete(socket) || socket.destroyed || current === undefined) return;
      served.add(socket);
      // Whatever the client sends from now on is dropped; its FIN ends the stream.
      socket.allowHalfOpen = false;
      socket.resume();
      current.open(new SocketSink(socket), accepted);
    };

    this.on('connection', (socket: Socket) => {
      pending.set(socket, NOTHING);
      socket.on('error', ignoreError);
      socket.on('close', forget);
      socket.on('end', onEnd);
      socket.on('timeout', onTimeout);
      socket.on('readable', onReadable);
      socket.setTimeout(HEAD_TIMEOUT_MS);
    });
  }

  /** Also destroys the connections node:http does not know: Fastify calls this to close with streams open. */
  override closeAllConnections(): void {
    super.closeAllConnections();
    for (const socket of this.pending.keys()) socket.destroy();
    for (const socket of this.served) socket.destroy();
  }

  /** Also destroys connections that have not sent a whole head yet: they have no request. */
  override closeIdleConnections(): void {
    super.closeIdleConnections();
    for (const socket of this.pending.keys()) socket.destroy();
  }
}
