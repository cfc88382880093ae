import { OnceError } from '@once/protocol';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AttachmentOptions } from '../attachments/attachment-options.ts';
import { createAttachmentStorer } from '../attachments/create-attachment-storer.ts';
import { createEventStreamEntry } from '../event-stream/event-stream-entry.ts';
import { createEventStreams } from '../event-stream/event-streams.ts';
import { createSseConnections, type SseConnections } from '../event-stream/sse-connections.ts';
import type { EventFeed } from '../feed/event-feed.ts';
import type { ConversationService } from '../service/conversation-service.ts';
import { answerClientError } from './answer-client-error.ts';
import { type CorsPolicy, createCorsPolicy } from './cors-policy.ts';
import type { DaemonMetrics } from './daemon-metrics.ts';
import { installErrorHandler, sendFrameworkError } from './error-handler.ts';
import { installCors } from './install-cors.ts';
import { OneLineRequestLog } from './one-line-request-log.ts';
import { parseCorsOrigins } from './parse-cors-origins.ts';
import { createAccountResolver } from './request-account.ts';
import { registerAttachmentRoutes } from './routes/attachment-routes.ts';
import { registerConversationRoutes } from './routes/conversation-routes.ts';
import { registerEventRoutes } from './routes/event-routes.ts';
import { registerExportRoutes } from './routes/export-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerMessageRoutes } from './routes/message-routes.ts';
import type { RegisterRoutes } from './routes/once-routes-context.ts';

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  readonly service: ConversationService;
  readonly feed: EventFeed;
  readonly metrics: DaemonMetrics;
  readonly connections?: SseConnections;
  /** Bearer token → account. Unset or empty: no auth, one account. */
  readonly authTokens?: ReadonlyMap<string, string>;
  /** Largest request body, in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Milliseconds between SSE heartbeats, when `connections` is not given. Default 15000. */
  readonly heartbeatMs?: number;
  /** False until recovery has finished. Default: always ready. */
  readonly isReady?: () => boolean;
  /** What `/v1/health` names as the log (`OnceServerOptions.logKind`). */
  readonly logKind: string;
  /** Fastify's logger option: a pino instance or `false`. Default false. */
  readonly logger?: FastifyServerOptions['loggerInstance'] | false;
  /** Origins whose pages may call the API from a browser; see `OnceServerOptions.corsOrigins`. Default none. */
  readonly corsOrigins?: readonly string[];
  /** Route sets to register beside the daemon's own (`OnceServerOptions.routes`). Default none. */
  readonly routes?: readonly RegisterRoutes[];
  /** Where the files sent with messages are kept, and their limits (`OnceServerOptions.attachments`). Default none. */
  readonly attachments?: AttachmentOptions;
}

/** The daemon's HTTP API (see docs/PROTOCOL.md) on Fastify. Call `listen` on the result. */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  const sse =
    options.connections ??
    createSseConnections(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs });
  const accountOf = createAccountResolver(options.authTokens);
  const cors = readCorsPolicy(options);
  let closing = false;
  // Built before Fastify, whose serverFactory the entry provides; they log through
  // Fastify's logger (`app`) once requests come.
  const streams = createEventStreams({
    feed: options.feed,
    connections: sse,
    onSent: (count) => options.metrics.eventsSent.inc(count),
    onOpened: (transport) => options.metrics.streamsOpened.inc({ transport }),
    onError: (error) => app.log.error({ err: error }, 'an event stream failed'),
  });
  const eventStreamEntry = createEventStreamEntry({
    accountOf,
    conversations: options.service.accounts,
    streams,
    isClosing: () => closing,
    ...(cors === undefined ? {} : { cors }),
    logOpened: (fields, message) => app.log.info(fields, message),
  });
  const app = Fastify({
    // Event streams are taken before Fastify's routing, on the raw socket of a fresh
    // connection when they can be; see event-stream/event-stream-entry.ts and docs/decisions/006.
    serverFactory: eventStreamEntry.serverFactory,
    bodyLimit: maxBodyBytes,
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // One line a request, when its response is sent, rather than Fastify's two.
    logController: new OneLineRequestLog(),
    // Open SSE streams would otherwise keep close() waiting forever.
    forceCloseConnections: true,
    // Bytes that are not HTTP get the daemon's error format too.
    clientErrorHandler: answerClientError,
    // Refused before routing, so before @fastify/cors's hook: the grant is added here.
    frameworkErrors:
      cors === undefined
        ? sendFrameworkError
        : (error, request, reply) => {
            void reply.headers(cors.responseHeaders(request.headers.origin).record);
            sendFrameworkError(error, request, reply);
          },
  }) as unknown as FastifyInstance;

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(
        new OnceError('invalid_json', `The request body is not valid JSON (${(error as Error).message}).`),
        undefined,
      );
    }
  });
  // Fastify parses text/plain by default, so JSON sent without a content type (what fetch
  // does with a string body) would fail as "expected object, received string". Say what to fix.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
    if (String(body).trim() === '') {
      done(null, undefined);
      return;
    }
    done(new OnceError('invalid_request', 'Send the body as JSON with Content-Type: application/json.'), undefined);
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onClose', async () => sse.endAll());
  installErrorHandler(app, maxBodyBytes, cors !== undefined);
  // Without origins nothing is registered: same-origin responses stay exactly as they were.
  if (cors !== undefined) installCors(app, cors);

  const context = {
    app,
    service: options.service,
    feed: options.feed,
    accountOf,
    sse,
    streams,
    eventStreamEntry,
    ...(options.attachments === undefined ? {} : { attachments: options.attachments }),
  };
  registerConversationRoutes(context);
  if (options.attachments !== undefined) registerAttachmentRoutes(context, options.attachments);
  registerMessageRoutes(context);
  registerEventRoutes(context);
  registerExportRoutes(context);
  registerHealthRoutes(context, {
    registry: options.metrics.registry,
    isReady: options.isReady ?? (() => true),
    logKind: options.logKind,
  });
  const storeAttachment = options.attachments === undefined ? undefined : createAttachmentStorer(options.attachments);
  for (const register of options.routes ?? []) {
    register({
      ...(storeAttachment === undefined ? {} : { storeAttachment }),
      app,
      service: options.service,
      feed: options.feed,
      accountOf,
      connections: sse,
      isClosing: () => closing,
    });
  }
  return app;
}

/**
 * The policy for `corsOrigins`, checked; none without origins.
 * @throws OnceError `invalid_request` for an origin that is not one, or `*` on a daemon
 * without auth, which would let any page anyone visits drive it.
 */
function readCorsPolicy(options: HttpServerOptions): CorsPolicy | undefined {
  if (options.corsOrigins === undefined || options.corsOrigins.length === 0) return undefined;
  const origins = parseCorsOrigins(options.corsOrigins);
  if (origins.includes('*') && (options.authTokens === undefined || options.authTokens.size === 0)) {
    throw new OnceError(
      'invalid_request',
      'The CORS origin "*" lets every web page call the daemon, so it needs auth tokens (--auth-tokens): without them any site a user visits could read and send their conversations. List exact origins instead, or add tokens.',
    );
  }
  return createCorsPolicy(origins);
}
