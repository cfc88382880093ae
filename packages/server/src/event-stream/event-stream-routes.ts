/**
 * The paths of `GET …/events`, defined once: the Fastify route registers them, and the
 * paths below Fastify (`event-stream-entry.ts`) match a request against them.
 */
export const EVENT_STREAM_ROUTES = {
  conversation: '/v1/conversations/:id/events',
  account: '/v1/account/events',
} as const;

/** Which events a request asks for: a conversation's (by its id as sent), or its account's. */
export type EventsRoute = { readonly kind: 'conversation'; readonly id: string } | { readonly kind: 'account' };

// The conversation route around its `:id`.
const [CONVERSATION_BEFORE, CONVERSATION_AFTER] = EVENT_STREAM_ROUTES.conversation.split(':id') as [string, string];
// Only the plain shape of an id: anything unusual (percent-encoding, a long id) is left to
// Fastify's router, which answers it the same on every path.
const PLAIN_ID = /^[0-9A-Za-z_-]{1,100}$/;

/**
 * Matches a request path (without its query) against {@link EVENT_STREAM_ROUTES}, for the
 * paths below Fastify. Undefined for any other path, and for a conversation id that is not
 * plain: Fastify routes those itself, so no path judges a route differently from it.
 */
export function matchEventStreamRoute(path: string): EventsRoute | undefined {
  if (path === EVENT_STREAM_ROUTES.account) return { kind: 'account' };
  if (!path.startsWith(CONVERSATION_BEFORE) || !path.endsWith(CONVERSATION_AFTER)) return undefined;
  const id = path.slice(CONVERSATION_BEFORE.length, path.length - CONVERSATION_AFTER.length);
  return PLAIN_ID.test(id) ? { kind: 'conversation', id } : undefined;
}
