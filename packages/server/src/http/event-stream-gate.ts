import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { StreamKey } from '@once/log';
import type { Offset } from '@once/protocol';
import type { ConversationService } from '../service/conversation-service.ts';
import type { SseSink } from '../sse/sse-sink.ts';
import type { EventStreams } from '../sse/stream-events.ts';
import { readEventsRequest, wantsEventStream } from './events-request.ts';
import type { AccountResolver } from './request-account.ts';

/** What the gate reads of a request: node:http's, or a head read off a raw socket. */
export interface EventStreamRequest {
  readonly method: string | undefined;
  /** The request target: path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A request the gate let through: the stream to serve and where to start. */
export interface AcceptedEventStream {
  readonly stream: StreamKey;
  readonly cursor: Offset | 'tail';
  /** The target for the log line, its `?token=` redacted. */
  readonly loggedUrl: string;
}

/**
 * The event-stream requests served before Fastify's routing, on either path
 * (`event-stream-server.ts` for a fresh connection, `event-stream-handler.ts` for a
 * request node:http parsed). Its checks are the route's own functions, so both paths
 * and the route accept and refuse exactly the same requests.
 */
export interface EventStreamGate {
  /**
   * Undefined when the request is not one to take here (another route, a request the
   * checks refuse, the server closing): Fastify answers it as it always did. Otherwise
   * the stream, once the account is known to see the conversation; undefined when it
   * does not, and Fastify's route answers that too.
   */
  check(request: EventStreamRequest): Promise<AcceptedEventStream | undefined> | undefined;
  /** Serves an accepted stream on `sink`: logs it and starts it. */
  open(sink: SseSink, accepted: AcceptedEventStream): void;
}

/** What {@link createEventStreamGate} needs. */
export interface EventStreamGateOptions {
  readonly service: ConversationService;
  readonly accountOf: AccountResolver;
  readonly streams: EventStreams;
  /** True once the server is closing: new requests then go to Fastify, which refuses them. */
  readonly isClosing: () => boolean;
  /** Logs each stream that opens, its `?token=` redacted. */
  readonly log?: { info(fields: object, message: string): void };
}

// Only the plain shape of an id: anything unusual (percent-encoding, a long id) is Fastify's to judge.
const CONVERSATION_EVENTS = /^\/v1\/conversations\/([0-9A-Za-z_-]{1,100})\/events$/;
const ACCOUNT_EVENTS = '/v1/account/events';
const TOKEN_VALUE = /([?&]token=)[^&]*/;

/** Creates the gate for one server. */
export function createEventStreamGate(options: EventStreamGateOptions): EventStreamGate {
  const { service, accountOf, streams, isClosing, log } = options;
  return {
    check({ method, url, headers }) {
      if (method !== 'GET' || !wantsEventStream(headers) || isClosing()) return undefined;
      const mark = url.indexOf('?');
      const path = mark === -1 ? url : url.slice(0, mark);
      const conversationId = path === ACCOUNT_EVENTS ? undefined : CONVERSATION_EVENTS.exec(path)?.[1];
      if (path !== ACCOUNT_EVENTS && conversationId === undefined) return undefined;
      let account: string;
      let cursor: Offset | 'tail';
      try {
        const query = mark === -1 ? {} : parseQuery(url.slice(mark + 1));
        account = accountOf({ headers, query }, { allowQueryToken: true });
        cursor = readEventsRequest(query, headers).cursor;
      } catch {
        return undefined;
      }
      const loggedUrl = url.replace(TOKEN_VALUE, '$1[redacted]');
      if (conversationId === undefined) {
        return Promise.resolve({ stream: { stream: 'account', accountId: account }, cursor, loggedUrl });
      }
      return service.accounts.get(account, conversationId).then(
        (conversation) => ({ stream: { stream: 'conversation', conversationId: conversation.id }, cursor, loggedUrl }),
        () => undefined,
      );
    },
    open(sink, accepted) {
      // The client left while its request was checked.
      if (!sink.writable) return;
      log?.info({ req: { method: 'GET', url: accepted.loggedUrl }, transport: sink.transport }, 'event stream opened');
      streams.open(sink, accepted.stream, accepted.cursor);
    },
  };
}
