import { OnceError } from '@once/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventsRoute } from '../../event-stream/event-stream-routes.ts';
import { EVENT_STREAM_ROUTES } from '../../event-stream/event-stream-routes.ts';
import { wantsEventStream } from '../../event-stream/read-events-request.ts';
import { ResponseSink } from '../../event-stream/response-sink.ts';
import { rawReplyHeaders } from '../raw-reply-headers.ts';
import type { RouteContext } from './route-context.ts';

/**
 * `GET …/events`: with `Accept: text/event-stream` a live SSE stream resuming after the
 * cursor (`?after=` wins over `Last-Event-ID`); otherwise, and for `HEAD`, one JSON page. On a listening
 * server, event-stream requests are taken before Fastify (`event-stream/event-stream-entry.ts`);
 * these routes answer the rest, every refusal, and `app.inject()`.
 */
export function registerEventRoutes(context: RouteContext): void {
  const { app } = context;

  app.get<{ Params: { id: string } }>(EVENT_STREAM_ROUTES.conversation, (request, reply) =>
    serveEvents(context, request, reply, { kind: 'conversation', id: request.params.id }),
  );

  app.get(EVENT_STREAM_ROUTES.account, (request, reply) => serveEvents(context, request, reply, { kind: 'account' }));
}

async function serveEvents(
  { feed, streams, eventStreamEntry }: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  route: EventsRoute,
) {
  const { headers } = request;
  const { stream, query, cursor } = await eventStreamEntry.check(request.raw, { route, headers, query: request.query });

  // HEAD (which Fastify routes here) gets the page's head: a stream has no end to wait for.
  if (request.method !== 'HEAD' && wantsEventStream(headers)) {
    reply.hijack();
    // The head is written on reply.raw: it carries what hooks set on the reply (CORS).
    streams.open(new ResponseSink(reply.raw, rawReplyHeaders(reply)), stream, cursor, query.format);
    return reply;
  }

  const head = await feed.head(stream);
  const after = cursor === 'tail' ? head : cursor;
  if (after > head) {
    throw new OnceError(
      'conflict',
      `The cursor ${after} is beyond the last event (${head}); the store was reset or restored: refetch the snapshot.`,
    );
  }
  const entries = await feed.read(stream, after, query.limit);
  const nextOffset = entries.at(-1)?.offset ?? after;
  return {
    events: entries.map((entry) => JSON.parse(entry.json) as unknown),
    nextOffset,
    upToDate: nextOffset >= head,
  };
}
