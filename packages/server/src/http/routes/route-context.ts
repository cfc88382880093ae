import type { FastifyInstance } from 'fastify';
import type { EventFeed } from '../../feed/event-feed.ts';
import type { ConversationService } from '../../service/conversation-service.ts';
import type { SseConnections } from '../../sse/sse-connections.ts';
import type { EventStreams } from '../../sse/stream-events.ts';
import type { AccountResolver } from '../request-account.ts';

/** What every group of routes is given. */
export interface RouteContext {
  readonly app: FastifyInstance;
  readonly service: ConversationService;
  readonly feed: EventFeed;
  readonly accountOf: AccountResolver;
  readonly sse: SseConnections;
  /** Opens SSE streams. */
  readonly streams: EventStreams;
}
