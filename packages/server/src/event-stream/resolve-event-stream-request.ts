import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { StreamKey } from '@once/log';
import type { Offset } from '@once/protocol';
import { checkEventsRequest, type EventsRequestChecks } from './check-events-request.ts';
import { matchEventStreamRoute } from './event-stream-routes.ts';
import type { StreamFormat } from './event-streams.ts';
import { wantsEventStream } from './read-events-request.ts';

/** What is read of a request below Fastify: node:http's, or a head read off a raw socket. */
export interface EventStreamRequest {
  readonly method: string | undefined;
  /** The request target: path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** An event stream to serve, and where to start. */
export interface AcceptedEventStream {
  readonly kind: 'accepted';
  readonly stream: StreamKey;
  readonly cursor: Offset | 'tail';
  /** The wire form the client asked for (`?format=`); default `full`. */
  readonly format: StreamFormat;
  /** The target for the log line, its `?token=` redacted. */
  readonly loggedUrl: string;
}

/** A request the checks refused: Fastify's route answers it, with the error it always did. */
export interface RefusedEventStream {
  readonly kind: 'refused';
}

/** What {@link resolveEventStreamRequest} decided. */
export type EventStreamResolution = AcceptedEventStream | RefusedEventStream;

const REFUSED: RefusedEventStream = { kind: 'refused' };
const TOKEN_VALUE = /([?&]token=)[^&]*/;

/**
 * Resolves a request below Fastify's routing: undefined when it is no event-stream
 * request (not a GET, no `Accept: text/event-stream`, not a path of
 * `EVENT_STREAM_ROUTES`); otherwise the route's own checks (`checkEventsRequest`) decide
 * whether it is a stream to serve or a refusal for Fastify to answer.
 */
export function resolveEventStreamRequest(
  request: EventStreamRequest,
  checks: EventsRequestChecks,
): Promise<EventStreamResolution> | undefined {
  const { method, url, headers } = request;
  if (method !== 'GET' || !wantsEventStream(headers)) return undefined;
  const mark = url.indexOf('?');
  const route = matchEventStreamRoute(mark === -1 ? url : url.slice(0, mark));
  if (route === undefined) return undefined;
  const query = mark === -1 ? {} : parseQuery(url.slice(mark + 1));
  return checkEventsRequest({ route, headers, query }, checks).then(
    ({ stream, cursor, query }): EventStreamResolution => ({
      kind: 'accepted',
      stream,
      cursor,
      format: query.format ?? 'full',
      loggedUrl: url.replace(TOKEN_VALUE, '$1[redacted]'),
    }),
    () => REFUSED,
  );
}
