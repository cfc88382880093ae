import { type EventLog, readAttachment, type SnapshotStore, type SweepResult, type TurnCoordination } from '@once/log';
import type { TurnRunner } from '@once/producer';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { type AttachmentOptions, DEFAULT_ATTACHMENT_UNSENT_GRACE_MS } from './attachments/attachment-options.ts';
import { releaseDeletedConversations } from './attachments/release-deleted-conversations.ts';
import { createSseConnections, type SseConnections } from './event-stream/sse-connections.ts';
import { createEventFeed, type EventFeed } from './feed/event-feed.ts';
import { createHttpServer } from './http/create-http-server.ts';
import { createDaemonMetrics, type DaemonMetrics } from './http/daemon-metrics.ts';
import { DEFAULT_ACCOUNT } from './http/request-account.ts';
import type { RegisterRoutes } from './http/routes/once-routes-context.ts';
import type { CompactionPass } from './service/conversation-compactor.ts';
import type { RetentionPass } from './service/conversation-expiry.ts';
import {
  type BackgroundWork,
  type ConversationService,
  createConversationService,
} from './service/conversation-service.ts';
import { startPeriodicPass } from './service/periodic-pass.ts';

/** How long a clean stop lets live streams deliver the end of interrupted turns, in ms. */
const FINISH_STREAMS_MS = 2_000;

/** Options of {@link createOnceServer}. */
export interface OnceServerOptions {
  /** The log every event goes through; closed by `stop()`. */
  readonly log: EventLog;
  /**
   * Where conversations' folded states are kept beside the log: pass the log itself when
   * it is one (the SQLite and PostgreSQL logs are). Cold reads and start-up then read only
   * the events after a conversation's stored snapshot. Default none.
   */
  readonly snapshots?: SnapshotStore;
  /** Runs assistant turns; without one, messages are stored and never answered. */
  readonly runTurn?: TurnRunner;
  /** Bearer token → account; unset: no auth, one account named `default`. */
  readonly authTokens?: ReadonlyMap<string, string>;
  /** Largest request body, in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Milliseconds between SSE heartbeats. Default 15000. */
  readonly heartbeatMs?: number;
  /** How long a tool call waits for approval, in ms. Default 300000. */
  readonly approvalTimeoutMs?: number;
  /**
   * What `/v1/health` names as the log: `"sqlite"`, `"postgres"`, or your own log's name.
   * Required, because only whoever opened the log knows which one it is.
   */
  readonly logKind: string;
  /** A pino logger for requests and errors; default none. */
  readonly logger?: FastifyServerOptions['loggerInstance'];
  /**
   * Errors nobody else can report, and what failed: a turn (its runner threw), a snapshot
   * save, a compaction or a retention pass. Default: ignored.
   */
  readonly onError?: (error: unknown, during: BackgroundWork) => void;
  /**
   * Who runs each conversation's turns when several daemons share the log; closed by
   * `stop()`. Default: this daemon alone (SQLite).
   */
  readonly coordination?: TurnCoordination;
  /**
   * Origins (`scheme://host[:port]`, exact, e.g. `https://app.example.com`) whose pages may
   * call every endpoint and open every event stream from a browser: preflights are
   * granted, with the `authorization`, `content-type`, `accept` and `last-event-id` request
   * headers. Any other origin gets no CORS grant. `["*"]` grants every origin, and needs
   * `authTokens` (a page must then hold a token; Once uses no cookies, so no credentials
   * mode is involved). Default none: no CORS headers at all, as for a same-origin app.
   * @throws OnceError `invalid_request` from `createOnceServer` for a value that is no origin.
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Compacts completed messages once they are this old, in ms (docs/decisions/021-compaction.md):
   * their deltas leave the log, their final state stays, every cursor still resumes. A
   * pass runs every `compactEveryMs` once `recover()` ran. Default: never.
   */
  readonly compactAfterMs?: number;
  /** Milliseconds between compaction passes. Default: `compactAfterMs`, at most 60000. */
  readonly compactEveryMs?: number;
  /**
   * Conversations last active this long ago, in ms, expire: they are deleted (the account
   * stream records it, as `DELETE /v1/conversations/:id` does) and their events removed from
   * the log. A conversation with a running turn waits. A pass runs every `retentionEveryMs`
   * once `recover()` ran. Default: never.
   */
  readonly retentionMs?: number;
  /** Milliseconds between retention passes. Default: `retentionMs`, at most 600000. */
  readonly retentionEveryMs?: number;
  /**
   * More endpoints, registered beside the daemon's own with the same auth, limits and
   * errors: e.g. `aiSdkRoutes` of `@once/ai-sdk`. Default none.
   */
  readonly routes?: readonly RegisterRoutes[];
  /**
   * Where the files sent with messages are kept, and their limits: enables
   * `POST /v1/attachments`, `GET /v1/attachments/:hash` and `attachments` on sends, and
   * gives turns the bytes (`TurnContext.readAttachment`). The store is closed by `stop()`.
   * Default none: those endpoints answer 404 and a send with attachments is refused.
   */
  readonly attachments?: AttachmentOptions;
}

/** What {@link OnceServer.sweepAttachments} deleted. */
export interface AttachmentSweep extends SweepResult {
  /** Conversations the log no longer has whose references were released. */
  readonly conversations: number;
}

/** The daemon's parts, wired together. */
export interface OnceServer {
  readonly app: FastifyInstance;
  readonly service: ConversationService;
  readonly feed: EventFeed;
  readonly metrics: DaemonMetrics;
  readonly connections: SseConnections;
  /** Closes what a crash left open in the accounts' conversations; health is 503 until it ran. */
  recover(): Promise<{ conversations: number; interrupted: number; requeued: number }>;
  /**
   * Runs a compaction pass now over every account's conversations: completed messages
   * opened at or before `before` (default: `compactAfterMs` ago, or now when unset).
   */
  compact(before?: Date): Promise<CompactionPass>;
  /**
   * Runs a retention pass now: conversations last active at or before `before` (default:
   * `retentionMs` ago, or now when unset) expire.
   */
  expire(before?: Date): Promise<RetentionPass>;
  /**
   * Sweeps the attachment store now: releases what conversations the log no longer has
   * still reference (a daemon stopped between a delete and its release), then deletes
   * unsent uploads made at or before `uploadedBefore` (default: `attachments.unsentGraceMs`
   * ago) and bytes no record names. Runs at start (after `recover`) and every grace period
   * (at most an hour). Nothing when the daemon keeps no attachments.
   */
  sweepAttachments(uploadedBefore?: Date): Promise<AttachmentSweep>;
  /** Listens and returns the base URL. */
  listen(options: { port: number; host: string }): Promise<string>;
  /**
   * Stops cleanly: running turns end `interrupted`, live streams deliver that, the HTTP
   * server closes, the log flushes. Safe to call twice.
   */
  stop(): Promise<void>;
}

/** Wires a log into the conversation service, the event feed, metrics and the HTTP API. */
export function createOnceServer(options: OnceServerOptions): OnceServer {
  const connections = createSseConnections(
    options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs },
  );
  // The feed is made after the log is instrumented; the gauge reads it only when scraped.
  const metrics = createDaemonMetrics(connections, () => feed.retainedBytes());
  const log = metrics.instrument(options.log);
  const feed = createEventFeed(log);
  const attachmentStore = options.attachments?.store;
  const service = createConversationService({
    log,
    ...(options.snapshots === undefined ? {} : { snapshots: options.snapshots }),
    ...(options.runTurn === undefined ? {} : { runTurn: options.runTurn }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
    ...(options.approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs: options.approvalTimeoutMs }),
    ...(options.coordination === undefined ? {} : { coordination: options.coordination }),
    ...(attachmentStore === undefined
      ? {}
      : {
          readAttachment: (hash: string) => readAttachment(attachmentStore, hash),
          releaseAttachments: (accountId: string, conversationId: string) =>
            attachmentStore.release(accountId, conversationId),
        }),
  });
  let ready = false;
  const app = createHttpServer({
    service,
    feed,
    metrics,
    connections,
    isReady: () => ready,
    logKind: options.logKind,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.authTokens === undefined ? {} : { authTokens: options.authTokens }),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...(options.corsOrigins === undefined ? {} : { corsOrigins: options.corsOrigins }),
    ...(options.routes === undefined ? {} : { routes: options.routes }),
    ...(options.attachments === undefined ? {} : { attachments: options.attachments }),
  });
  const accounts = options.authTokens === undefined ? [DEFAULT_ACCOUNT] : [...new Set(options.authTokens.values())];
  let stopping: Promise<void> | undefined;
  const compact = (before?: Date) =>
    service.compact(accounts, before?.getTime() ?? Date.now() - (options.compactAfterMs ?? 0));
  const expire = (before?: Date) =>
    service.expire(accounts, before?.getTime() ?? Date.now() - (options.retentionMs ?? 0));
  const unsentGraceMs = options.attachments?.unsentGraceMs ?? DEFAULT_ATTACHMENT_UNSENT_GRACE_MS;
  const sweepAttachments = async (uploadedBefore?: Date): Promise<AttachmentSweep> => {
    if (attachmentStore === undefined) return { conversations: 0, records: 0, blobs: 0 };
    const conversations = await releaseDeletedConversations(attachmentStore, service.accounts.get);
    const swept = await attachmentStore.sweep(uploadedBefore ?? new Date(Date.now() - unsentGraceMs));
    return { conversations, ...swept };
  };
  const passes = [
    options.compactAfterMs === undefined
      ? undefined
      : startPeriodicPass(
          () => compact(),
          options.compactEveryMs ?? Math.min(options.compactAfterMs, 60_000),
          (error) => options.onError?.(error, 'compaction'),
        ),
    options.retentionMs === undefined
      ? undefined
      : startPeriodicPass(
          () => expire(),
          options.retentionEveryMs ?? Math.min(options.retentionMs, 600_000),
          (error) => options.onError?.(error, 'retention'),
        ),
    attachmentStore === undefined
      ? undefined
      : startPeriodicPass(
          () => sweepAttachments(),
          Math.max(1, Math.min(unsentGraceMs, 3_600_000)),
          (error) => options.onError?.(error, 'attachments'),
          0,
        ),
  ];

  return {
    app,
    service,
    feed,
    metrics,
    connections,
    async recover() {
      const result = await service.recover(accounts);
      ready = true;
      for (const pass of passes) pass?.start();
      return result;
    },
    compact,
    sweepAttachments,
    expire,
    async listen({ port, host }) {
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    },
    stop() {
      stopping ??= (async () => {
        ready = false;
        await Promise.all(passes.map((pass) => pass?.stop()));
        await service.shutdown();
        await options.coordination?.close();
        // Live streams send the end of the turns just interrupted before they close.
        await connections.finishAll(FINISH_STREAMS_MS);
        await app.close();
        feed.close();
        await log.close();
        await attachmentStore?.close();
      })();
      return stopping;
    },
  };
}
