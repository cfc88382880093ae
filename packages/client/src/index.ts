export { type BackoffOptions, backoffDelay } from './backoff.ts';
export {
  type ConnectStreamOptions,
  type ConnectStreamSettings,
  connectStream,
  type StreamConnection,
} from './connect-stream.ts';
export type {
  ConnectionState,
  ConnectionStateSource,
  ConnectionStatus,
} from './connection-state.ts';
export type {
  ConversationClient,
  ConversationClientOptions,
  ConversationDomains,
  OpenConversationOptions,
  RegenerateOptions,
  SendOptions,
} from './conversation-client.ts';
export type {
  ConversationListClient,
  ConversationListClientOptions,
  ConversationListDomains,
} from './conversation-list-client.ts';
export { type ConversationListStore, createConversationListStore } from './conversation-list-store.ts';
export {
  type AttachmentClient,
  type ClientOptions,
  type ConversationListOpener,
  createClient,
  type OnceClient,
} from './create-client.ts';
export { createHttpTransport, type HttpTransportOptions } from './create-http-transport.ts';
export {
  createDeliveryLog,
  DEFAULT_DELIVERY_LOG_LIMIT,
  type Delivery,
  type DeliveryLog,
  type DeliveryLogState,
  type DeliveryOutcome,
  type DeliveryRecorder,
  type StreamResume,
} from './delivery-log.ts';
export {
  type AppDomain,
  type AppDomainOptions,
  type AppEvent,
  type DataSchema,
  defineAppDomain,
  type SchemaIssue,
} from './domains/app-domain.ts';
export type { ApprovalDomainEvent, ApprovalDomainState } from './domains/approval-domain.ts';
export { type ConnectionDomain, createConnectionDomain } from './domains/connection-domain.ts';
export {
  type ConversationDomainHub,
  type ConversationEventDomains,
  createConversationDomains,
} from './domains/conversation-domains.ts';
export type { ConversationListDomainState } from './domains/conversation-list-domain.ts';
export {
  DEFAULT_BUFFER_SIZE,
  type DomainConsumer,
  type DomainDispatcher,
  type DomainSubscribeOptions,
  type DomainSubscription,
} from './domains/create-domain-dispatcher.ts';
export type { ResyncReason } from './domains/domain-buffer.ts';
export type { DomainEvent, DomainItem, DomainRejection, DomainResync, DomainState } from './domains/domain-item.ts';
export type { MessageDomainEvent, MessageDomainState } from './domains/message-domain.ts';
export type { TurnDomainEvent, TurnDomainState } from './domains/turn-domain.ts';
export type { UsageDomainEvent, UsageDomainState } from './domains/usage-domain.ts';
export {
  type ConversationExport,
  type ExportConversationOptions,
  exportConversation,
} from './export-conversation.ts';
export { isRetryable } from './is-retryable.ts';
export { joinOlderMessages } from './join-older-messages.ts';
export type { NetworkEvents } from './network-status.ts';
export type { OlderMessages, OlderMessagesState } from './older-messages.ts';
export type { ApplyOutcome, AttemptEnd, StreamTarget } from './stream-target.ts';
export { systemTimers, type TimerHandle, type Timers } from './timers.ts';
export type {
  ConversationPage,
  RegenerateResult,
  SendInput,
  SendResult,
  SnapshotOptions,
  StreamKey,
  Transport,
  TransportItem,
  UploadDetails,
} from './transport.ts';
