export {
  type AttachmentOptions,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  DEFAULT_ATTACHMENT_MEDIA_TYPES,
  DEFAULT_ATTACHMENT_UNSENT_GRACE_MS,
} from './attachments/attachment-options.ts';
export type { AttachmentFile, StoreAttachment } from './attachments/create-attachment-storer.ts';
export {
  type AttachmentSweep,
  createOnceServer,
  type OnceServer,
  type OnceServerOptions,
} from './create-once-server.ts';
export type { OpenStream, SseConnections, StreamEmitter } from './event-stream/sse-connections.ts';
export type { EventFeed } from './feed/event-feed.ts';
export type { FeedEntry } from './feed/feed-entry.ts';
export type { DaemonMetrics } from './http/daemon-metrics.ts';
export { parseCorsOrigins } from './http/parse-cors-origins.ts';
export { rawReplyHeaders } from './http/raw-reply-headers.ts';
export { type AccountResolver, DEFAULT_ACCOUNT } from './http/request-account.ts';
export type { OnceRoutesContext, RegisterRoutes } from './http/routes/once-routes-context.ts';
export type { AccountDirectory } from './service/account-directory.ts';
export type { CompactionPass } from './service/conversation-compactor.ts';
export type { RetentionPass } from './service/conversation-expiry.ts';
export {
  type BackgroundWork,
  type ConversationService,
  type ConversationServiceOptions,
  createConversationService,
} from './service/conversation-service.ts';
export type { RecoveryResult } from './service/recover-conversations.ts';
export { saveConversationSnapshot } from './service/save-conversation-snapshot.ts';
export type { SendInput, SendResult } from './service/send-user-message.ts';
