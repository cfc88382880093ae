import type { StreamKey } from '@once/log';
import { OnceError } from '@once/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ResponseSink } from '../../sse/response-sink.ts';
import { readEventsRequest, wantsEventStream } from '../events-request.ts';
import { parseInput } from '../parse-input.ts';
import type { RouteContext } from './route-context.ts';

const idParams = z.object({ id: z.string().min(1).max(100) });

/**
 * `GET …/events`: with `Accept: text/event-stream` a live SSE stream resuming after the
 * cursor (`?after=` wins over `Last-Event-ID`); otherwise one JSON page. On a listening
 * server, valid event-stream requests are served before Fastify, on the raw socket
 * (`event-stream-server.ts`) or through node:http (`event-stream-handler.ts`); these
 * routes answer the rest, every refusal, and `app.inject()`.
 */
export function registerEventRoutes(context: RouteContext): void {
  const { app, service, accountOf } = context;

  app.get('/v1/conversations/:id/events', async (request, reply) => {
    const account = accountOf(request, { allowQueryToken: true });
    const { id } = parseInput(idParams, request.params, 'path');
    const conversation = await service.accounts.get(account, id);
    return serveEvents(context, request, reply, { stream: 'conversation', conversationId: conversation.id });
  });

  app.get('/v1/account/events', async (request, reply) => {
    const account = accountOf(request, { allowQueryToken: true });
    return serveEvents(context, request, reply, { stream: 'account', accountId: account });
  });
}

async function serveEvents(
  { feed, streams }: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  stream: StreamKey,
) {
  const { query, cursor } = readEventsRequest(request.query, request.headers);

  if (wantsEventStream(request.headers)) {
    reply.hijack();
    streams.open(new ResponseSink(reply.raw), stream, cursor);
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
