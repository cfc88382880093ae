import type { FastifyInstance } from 'fastify';
import type { StoreAttachment } from '../../attachments/create-attachment-storer.ts';
import type { SseConnections } from '../../event-stream/sse-connections.ts';
import type { EventFeed } from '../../feed/event-feed.ts';
import type { ConversationService } from '../../service/conversation-service.ts';
import type { AccountResolver } from '../request-account.ts';

/**
 * What a route set added to the daemon from outside this package is given (see
 * {@link RegisterRoutes}): the same parts the daemon's own routes use, so that its
 * endpoints share their auth, body limit, error format, event feed and stop.
 */
export interface OnceRoutesContext {
  /** The daemon's Fastify app: its JSON parsing, body limit and error handler apply. */
  readonly app: FastifyInstance;
  readonly service: ConversationService;
  /** Committed events, live, without polling. */
  readonly feed: EventFeed;
  /** Request → account; throws `unauthorized` the way every endpoint does. */
  readonly accountOf: AccountResolver;
  /**
   * The registry of open streams: one heartbeat timer for all of them, and on a clean
   * stop each is asked to deliver what is committed (the end of interrupted turns), then
   * ended.
   */
  readonly connections: SseConnections;
  /** True once the daemon is stopping: a new stream should not start. */
  readonly isClosing: () => boolean;
  /**
   * Stores a file as the account's attachment with the upload endpoint's limits (415, 413);
   * absent when the daemon keeps no attachments.
   */
  readonly storeAttachment?: StoreAttachment;
}

/**
 * A set of routes the daemon registers beside its own (`OnceServerOptions.routes`), e.g.
 * the AI SDK endpoints of `@once/ai-sdk`. Called once, before the server listens.
 */
export type RegisterRoutes = (context: OnceRoutesContext) => void;
