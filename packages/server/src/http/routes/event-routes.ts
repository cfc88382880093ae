import { type Offset, OnceError, parseCursor } from '@once/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { StreamKey } from '../../log/event-log.ts';
import { streamEvents } from '../../sse/stream-events.ts';
import { parseInput } from '../parse-input.ts';
import type { RouteContext } from './route-context.ts';

const idParams = z.object({ id: z.string().min(1).max(100) });
const eventsQuery = z.object({
  after: z.string().max(40).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1, 'limit must be at least 1')
    .max(1000, 'limit must be at most 1000')
    .default(100),
  live: z.enum(['tail'], { message: 'live accepts only "tail"' }).optional(),
  token: z.string().optional(),
});

/** Options of the event routes. */
export interface EventRouteOptions {
  readonly onSent?: (count: number) => void;
}

/**
 * `GET …/events`: with `Accept: text/event-stream` a live SSE stream resuming after the
 * cursor (`?after=` wins over `Last-Event-ID`); otherwise one JSON page.
 */
export function registerEventRoutes(context: RouteContext, options: EventRouteOptions = {}): void {
  const { app, service, accountOf } = context;

  app.get('/v1/conversations/:id/events', async (request, reply) => {
    const account = accountOf(request, { allowQueryToken: true });
    const { id } = parseInput(idParams, request.params, 'path');
    const conversation = await service.accounts.get(account, id);
    return serveEvents(context, options, request, reply, { stream: 'conversation', conversationId: conversation.id });
  });

  app.get('/v1/account/events', async (request, reply) => {
    const account = accountOf(request, { allowQueryToken: true });
    return serveEvents(context, options, request, reply, { stream: 'account', accountId: account });
  });
}

async function serveEvents(
  { feed, sse }: RouteContext,
  options: EventRouteOptions,
  request: FastifyRequest,
  reply: FastifyReply,
  stream: StreamKey,
) {
  const query = parseInput(eventsQuery, request.query, 'query');
  const lastEventId = request.headers['last-event-id'];
  const cursorText = query.after ?? (typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : undefined);
  const cursor: Offset | 'tail' =
    cursorText !== undefined ? parseCursor(cursorText) : query.live === 'tail' ? 'tail' : (0 as Offset);

  if (wantsEventStream(request)) {
    reply.hijack();
    await streamEvents(reply.raw, {
      feed,
      connections: sse,
      stream,
      cursor,
      ...(options.onSent === undefined ? {} : { onSent: options.onSent }),
    });
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

function wantsEventStream(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/event-stream');
}
