export { createOnceServer, type OnceServer, type OnceServerOptions } from './create-once-server.ts';
export { createSseConnections, type SseConnections } from './event-stream/sse-connections.ts';
export { createEventFeed, type EventFeed, type EventFeedOptions, type FeedEntry } from './feed/event-feed.ts';
export { createHttpServer, type HttpServerOptions } from './http/create-http-server.ts';
export { createDaemonMetrics, type DaemonMetrics } from './http/daemon-metrics.ts';
export { DEFAULT_ACCOUNT } from './http/request-account.ts';
export { callCommitListener } from './log/call-commit-listener.ts';
export type {
  AppendOptions,
  CommitListener,
  CommitNotice,
  EventDraft,
  EventLog,
  StoredEntry,
  StoredEvent,
  StreamKey,
} from './log/event-log.ts';
export {
  type CommitBatch,
  GROUP_COMMIT_DEFAULTS,
  GroupCommit,
  type GroupCommitOptions,
} from './log/group-commit.ts';
export { type EventIdentity, envelopeText, type PreparedDraft, prepareDraft } from './log/prepare-draft.ts';
export { CHECKPOINT_DEFAULTS, type CheckpointOptions } from './log/sqlite-checkpointer.ts';
export { openSqliteEventLog, SqliteEventLog, type SqliteEventLogOptions } from './log/sqlite-event-log.ts';
export type { SqliteSynchronous } from './log/sqlite-schema.ts';
export { TAIL_INDEX_DEFAULTS, type TailIndexOptions } from './log/sqlite-tail-indexer.ts';
export { toStoredEntry } from './log/stored-entry.ts';
export type { ConversationLeases } from './service/conversation-leases.ts';
export {
  type ConversationService,
  type ConversationServiceOptions,
  createConversationService,
  type SendResult,
} from './service/conversation-service.ts';
export { createKeyedLock, type KeyedLock } from './service/keyed-lock.ts';
export {
  createLocalTurnCommands,
  type TurnCommand,
  type TurnCommandHandler,
  type TurnCommands,
} from './service/turn-commands.ts';
export { createLocalTurnCoordination, type TurnCoordination } from './service/turn-coordination.ts';
export {
  CANCELLED,
  type QueuedTurn,
  SHUTTING_DOWN,
  type TurnContext,
  type TurnRunner,
} from './service/turn-scheduler.ts';
export {
  type AppendDrafts,
  type CompletionDetails,
  createMessageWriter,
  type MessageWriter,
  type MessageWriterOptions,
  type NewMessage,
  resumeMessageWriter,
} from './writer/create-message-writer.ts';
export { type UserMessageInput, writeUserMessage } from './writer/write-user-message.ts';
