import type { FastifyReply } from 'fastify';

/**
 * The headers a Fastify route that writes its own head on `reply.raw` (after
 * `reply.hijack()`) must send: whatever hooks set on the reply, the CORS headers of
 * `@fastify/cors` included, which node:http never sees otherwise. Spread it first, so the
 * route's own headers win:
 *
 *     reply.hijack();
 *     reply.raw.writeHead(200, { ...rawReplyHeaders(reply), 'content-type': 'text/event-stream' });
 */
export function rawReplyHeaders(reply: FastifyReply): Record<string, string | number | string[]> {
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}
