import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { FastifyServerFactory } from 'fastify';
import type { StreamKey } from '../log/event-log.ts';
import type { ConversationService } from '../service/conversation-service.ts';
import type { EventStreams } from '../sse/stream-events.ts';
import { readEventsRequest, wantsEventStream } from './events-request.ts';
import type { AccountResolver } from './request-account.ts';

/** What {@link createEventStreamHandler} needs. */
export interface EventStreamHandlerOptions {
  readonly service: ConversationService;
  readonly accountOf: AccountResolver;
  readonly streams: EventStreams;
  /** True once the server is closing: new requests then go to Fastify, which refuses them. */
  readonly isClosing: () => boolean;
  /** Logs each stream that opens, its `?token=` redacted. */
  readonly log?: { info(fields: object, message: string): void };
}

/**
 * Takes a request when it can serve it as an event stream; otherwise leaves it, or hands
 * it to `fallback`, and returns false only when it did not take it.
 */
export type EventStreamHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  fallback: RequestListener,
) => boolean;

// Only the plain shape of an id: anything unusual (percent-encoding, a long id) is Fastify's to judge.
const CONVERSATION_EVENTS = /^\/v1\/conversations\/([0-9A-Za-z_-]{1,100})\/events$/;
const ACCOUNT_EVENTS = '/v1/account/events';
const TOKEN_VALUE = /([?&]token=)[^&]*/;

/**
 * Serves `GET …/events` with `Accept: text/event-stream` below Fastify's routing. A
 * stream lives for hours and idle streams are the daemon's largest memory cost, so it
 * should hold only node:http's own objects and one small stream object: not Fastify's
 * request, reply, child logger and the listeners that keep them alive. The checks are
 * the route's own functions (auth, query, cursor); any request they refuse, and any
 * conversation the account cannot see, goes to Fastify, whose route answers the same
 * error as it always did. JSON pages and everything else are Fastify's.
 */
export function createEventStreamHandler(options: EventStreamHandlerOptions): EventStreamHandler {
  const { service, accountOf, streams, isClosing, log } = options;
  return (request, response, fallback) => {
    if (request.method !== 'GET' || !wantsEventStream(request.headers) || isClosing()) return false;
    const url = request.url ?? '';
    const mark = url.indexOf('?');
    const path = mark === -1 ? url : url.slice(0, mark);
    const conversationId = path === ACCOUNT_EVENTS ? undefined : CONVERSATION_EVENTS.exec(path)?.[1];
    if (path !== ACCOUNT_EVENTS && conversationId === undefined) return false;
    let account: string;
    let cursor: ReturnType<typeof readEventsRequest>['cursor'];
    try {
      const query = mark === -1 ? {} : parseQuery(url.slice(mark + 1));
      account = accountOf({ headers: request.headers, query }, { allowQueryToken: true });
      cursor = readEventsRequest(query, request.headers).cursor;
    } catch {
      return false;
    }
    log?.info({ req: { method: 'GET', url: url.replace(TOKEN_VALUE, '$1[redacted]') } }, 'event stream opened');
    if (conversationId === undefined) {
      streams.open(response, { stream: 'account', accountId: account }, cursor);
      return true;
    }
    service.accounts.get(account, conversationId).then(
      (conversation) => {
        const stream: StreamKey = { stream: 'conversation', conversationId: conversation.id };
        streams.open(response, stream, cursor);
      },
      () => fallback(request, response),
    );
    return true;
  };
}

/**
 * Fastify's `serverFactory`: the node:http server Fastify would create (same timeouts),
 * whose requests meet `handler()` first. `handler` is read per request, since it is
 * built after Fastify (it logs through Fastify's logger).
 */
export function serveEventStreamsFirst(handler: () => EventStreamHandler | undefined): FastifyServerFactory<Server> {
  return (fastify, options) => {
    const server = createServer((options.http ?? {}) as object, (request, response) => {
      if (handler()?.(request, response, fastify) !== true) fastify(request, response);
    });
    server.keepAliveTimeout = options.keepAliveTimeout as number;
    server.requestTimeout = options.requestTimeout as number;
    server.setTimeout(options.connectionTimeout as number);
    return server;
  };
}
