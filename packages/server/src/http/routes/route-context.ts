import type { FastifyInstance } from 'fastify';
import type { AttachmentOptions } from '../../attachments/attachment-options.ts';
import type { EventStreamEntry } from '../../event-stream/event-stream-entry.ts';
import type { EventStreams } from '../../event-stream/event-streams.ts';
import type { SseConnections } from '../../event-stream/sse-connections.ts';
import type { EventFeed } from '../../feed/event-feed.ts';
import type { ConversationService } from '../../service/conversation-service.ts';
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
  /** Where event-stream requests are taken below Fastify; its `check` is the events routes' checks. */
  readonly eventStreamEntry: EventStreamEntry;
  /** Where attachments are kept; absent when the daemon keeps none (sends with attachments are refused). */
  readonly attachments?: AttachmentOptions;
}
