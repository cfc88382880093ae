/**
 * Where a `GET …/events` with `Accept: text/event-stream` is handled (decisions 005, 006).
 *
 *   fresh connection ──► EventStreamServer reads its first head (read-request-head.ts)
 *                            │ plain head                      │ unusual, or slower than 1 s
 *                            ▼                                 │
 *                         take() ── accepted ──► SocketSink    │
 *                            │ refused / not a stream          │
 *                            ▼ (its look-up carried along)     ▼
 *   keep-alive socket's ──► node:http parses the request ──► take() ── accepted ──► ResponseSink
 *   later request                                              │ refused (look-up carried) / not a stream
 *                                                              ▼
 *                  Fastify: routes/event-routes.ts runs checkEventsRequest and answers
 *                           refusals, JSON pages, and app.inject()'s streams (ResponseSink)
 *
 * `take()` is the one place that decides: the route table (`event-stream-routes.ts`) and
 * the route's checks (`check-events-request.ts`) say whether a request is a stream to
 * serve; a stream is served on the raw socket when the request was a fresh connection's
 * plain head, otherwise on node:http's response. Every refusal is Fastify's to answer,
 * so it is the same whichever path saw the request first, and the conversation it
 * looked up travels with the request (`CarriedLookUp`): it is looked up once.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerFactory } from 'fastify';
import type { CorsPolicy } from '../http/cors-policy.ts';
import type { AccountResolver } from '../http/request-account.ts';
import { CarriedLookUp } from './carried-look-up.ts';
import {
  type CheckedEventsRequest,
  type ConversationLookUp,
  checkEventsRequest,
  type EventsRequestInput,
} from './check-events-request.ts';
import { EventStreamServer } from './event-stream-server.ts';
import type { EventStreams } from './event-streams.ts';
import { type EventStreamRequest, resolveEventStreamRequest } from './resolve-event-stream-request.ts';
import { ResponseSink } from './response-sink.ts';
import type { SseSink } from './sse-sink.ts';

/** Options of {@link createEventStreamEntry}. */
export interface EventStreamEntryOptions {
  readonly accountOf: AccountResolver;
  /** Where conversations are looked up: the service's account directory. */
  readonly conversations: ConversationLookUp;
  readonly streams: EventStreams;
  /** True once the server is closing: new requests then go to Fastify, which refuses them. */
  readonly isClosing: () => boolean;
  /**
   * The CORS origins: a stream's head then carries the headers for its request's
   * `Origin`, as Fastify's routes do through @fastify/cors. Default none: no such headers.
   */
  readonly cors?: CorsPolicy;
  /** Logs each stream served below Fastify (Fastify logs its own requests), its `?token=` redacted. */
  readonly logOpened?: (fields: object, message: string) => void;
}

/** The entry of every event-stream request; see the sketch at the top of this file. */
export interface EventStreamEntry {
  /**
   * Fastify's `serverFactory`: the node:http server Fastify would create (same
   * timeouts), as an {@link EventStreamServer}, with {@link take} in front of Fastify.
   */
  readonly serverFactory: FastifyServerFactory<Server>;
  /**
   * The route's checks for a request Fastify routed to an events route, reusing the
   * conversation look-up a path below Fastify made for it.
   */
  check(request: IncomingMessage, input: EventsRequestInput): Promise<CheckedEventsRequest>;
}

/** Creates the entry for one server. */
export function createEventStreamEntry(options: EventStreamEntryOptions): EventStreamEntry {
  const { accountOf, conversations, streams, isClosing, cors, logOpened } = options;
  // Look-ups of refused requests on their way to Fastify: by the socket handed to
  // node:http, then by the request handed to Fastify. Taken by the next path, so none
  // outlives its request.
  const carried = new WeakMap<Socket | IncomingMessage, CarriedLookUp>();
  const takeCarried = (key: Socket | IncomingMessage) => {
    const lookUp = carried.get(key);
    if (lookUp !== undefined) carried.delete(key);
    return lookUp;
  };

  /**
   * Decides a request: false when it is no event stream (Fastify's); otherwise true, and
   * once checked, an accepted stream is served on the sink `serveOn` gives, a refused one
   * goes on with `passOn`.
   */
  function take(
    request: EventStreamRequest,
    lookUp: CarriedLookUp,
    serveOn: () => SseSink | undefined,
    passOn: () => void,
  ): boolean {
    if (isClosing()) return false;
    const resolving = resolveEventStreamRequest(request, { accountOf, conversations: lookUp });
    if (resolving === undefined) return false;
    resolving.then(
      (resolution) => {
        if (resolution.kind === 'refused') {
          passOn();
          return;
        }
        const sink = serveOn();
        // The client left while its request was checked.
        if (sink === undefined || !sink.writable) return;
        logOpened?.(
          { req: { method: 'GET', url: resolution.loggedUrl }, transport: sink.transport },
          'event stream opened',
        );
        streams.open(sink, resolution.stream, resolution.cursor, resolution.format);
      },
      () => passOn(),
    );
    return true;
  }

  return {
    serverFactory(fastify, fastifyOptions) {
      const server: EventStreamServer = new EventStreamServer(
        (fastifyOptions.http ?? {}) as object,
        (socket, head) => {
          const lookUp = new CarriedLookUp(conversations);
          const request = { method: 'GET', url: head.url, headers: head.headers };
          const taken = take(
            request,
            lookUp,
            () => server.serve(socket, cors?.responseHeaders(head.headers.origin).lines),
            () => {
              carried.set(socket, lookUp);
              server.handOff(socket);
            },
          );
          if (!taken) server.handOff(socket);
        },
        (request, response) => {
          const lookUp = takeCarried(request.socket) ?? new CarriedLookUp(conversations);
          const url = request.url ?? '';
          const taken = take(
            { method: request.method, url, headers: request.headers },
            lookUp,
            () => new ResponseSink(response, cors?.responseHeaders(request.headers.origin).record),
            () => {
              carried.set(request, lookUp);
              fastify(request, response);
            },
          );
          if (!taken) fastify(request, response);
        },
      );
      server.keepAliveTimeout = fastifyOptions.keepAliveTimeout as number;
      server.requestTimeout = fastifyOptions.requestTimeout as number;
      server.setTimeout(fastifyOptions.connectionTimeout as number);
      return server;
    },
    check(request, input) {
      return checkEventsRequest(input, { accountOf, conversations: takeCarried(request) ?? conversations });
    },
  };
}
