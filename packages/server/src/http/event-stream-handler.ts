import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import { ResponseSink } from '../sse/response-sink.ts';
import type { EventStreamGate } from './event-stream-gate.ts';
import { EventStreamServer } from './event-stream-server.ts';

/**
 * node:http's path for event streams: a request node:http parsed (a keep-alive socket's
 * later request, or a head the raw reader left to node:http) that the gate lets through
 * is served on its response, before Fastify's routing; anything else, and any request
 * the gate refuses after looking the conversation up, goes to `fallback` (Fastify).
 * Returns false only when it did not take the request.
 */
export function handleEventStreamRequest(
  gate: EventStreamGate,
  request: IncomingMessage,
  response: ServerResponse,
  fallback: RequestListener,
): boolean {
  const checked = gate.check({ method: request.method, url: request.url ?? '', headers: request.headers });
  if (checked === undefined) return false;
  checked.then(
    (accepted) => {
      if (accepted === undefined) fallback(request, response);
      else gate.open(new ResponseSink(response), accepted);
    },
    () => fallback(request, response),
  );
  return true;
}

/**
 * Fastify's `serverFactory`: the node:http server Fastify would create (same timeouts),
 * as an {@link EventStreamServer}, which serves event streams of fresh connections on
 * the raw socket; requests node:http parses meet {@link handleEventStreamRequest} first.
 * `gate` is read per connection and request, since it is built after Fastify (it logs
 * through Fastify's logger).
 */
export function serveEventStreamsFirst(gate: () => EventStreamGate | undefined): FastifyServerFactory<Server> {
  return (fastify, options) => {
    const server = new EventStreamServer((options.http ?? {}) as object, gate, (request, response) => {
      const current = gate();
      if (current === undefined || !handleEventStreamRequest(current, request, response, fastify)) {
        fastify(request, response);
      }
    });
    server.keepAliveTimeout = options.keepAliveTimeout as number;
    server.requestTimeout = options.requestTimeout as number;
    server.setTimeout(options.connectionTimeout as number);
    return server;
  };
}
