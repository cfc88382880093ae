import type { RequestListener, ServerOptions } from 'node:http';

// Taken from the built-in module, not imported: an ESM import of node:http copies its
// exports, which loads Node's bundled fetch library (undici) for its lazy WebSocket
// exports, 20–150 ms of every start-up for nothing (decision 025).
const { Server } = process.getBuiltinModule('node:http');

import type { Socket } from 'node:net';
import { lingerWhenClosing } from './lingering-close.ts';
import { type RequestHead, readRequestHead } from './read-request-head.ts';
import { SocketSink } from './socket-sink.ts';

/** How long a new connection may take to send its first head before node:http reads it instead, in ms. */
export const HEAD_TIMEOUT_MS = 1_000;

/**
 * Told of each fresh connection's first head that the strict reader accepted; it must
 * answer with the server's {@link EventStreamServer.serve} or {@link EventStreamServer.handOff}.
 */
export type FirstHeadListener = (socket: Socket, head: RequestHead) => void;

const NOTHING = Buffer.alloc(0);

/**
 * A node:http server that reads the first request head of each new connection itself
 * (decision 006). It only moves bytes: a head the strict reader accepts goes to the
 * {@link FirstHeadListener} (`event-stream-entry.ts`), which serves it raw or hands it
 * back; anything else — a head the reader calls unusual, one slower than
 * {@link HEAD_TIMEOUT_MS} — goes to node:http with the bytes read so far, as if it had
 * just connected, so Fastify answers exactly as it would have.
 *
 *   connected ──head──► listener ──serve──► served raw (until the socket closes)
 *       │                  │
 *       └─ unusual/slow ───┴── handOff ──► node:http's connection listener
 *
 * A connection keeps no closure of its own once served: the socket listeners are shared
 * (`this` is the socket), and the head read so far waits in a map while it is checked.
 */
export class EventStreamServer extends Server {
  /**
   * Serves a connection whose head was accepted on its raw socket: node:http's parser,
   * request and response are never made for it. `headerLines` are added to its head (see
   * {@link SocketSink}). Undefined when the client left meanwhile.
   */
  readonly serve: (socket: Socket, headerLines?: string) => SocketSink | undefined;
  /** Gives a connection to node:http with the bytes read so far, as if it had just connected. */
  readonly handOff: (socket: Socket) => void;

  /** Connections whose first head is being read or checked, with the bytes read so far. */
  private readonly pending = new Map<Socket, Buffer>();
  /** Connections served raw: node:http does not know them, so closing the server ends them here. */
  private readonly served = new Set<Socket>();

  constructor(options: ServerOptions, onFirstHead: FirstHeadListener, requestListener: RequestListener) {
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
      if (head === 'unusual') {
        handOff(this);
        return;
      }
      try {
        onFirstHead(this, head);
      } catch {
        // Whatever went wrong, node:http and Fastify answer it as they would have.
        handOff(this);
      }
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
      lingerWhenClosing(socket);
      nodeConnection.call(this, socket);
    };
    this.handOff = handOff;
    this.serve = (socket, headerLines) => {
      if (!pending.delete(socket) || socket.destroyed) return undefined;
      served.add(socket);
      // Whatever the client sends from now on is dropped; its FIN ends the stream.
      socket.allowHalfOpen = false;
      socket.resume();
      return new SocketSink(socket, headerLines);
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
