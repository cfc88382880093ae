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
  SendOptions,
} from './conversation-client.ts';
export type { ConversationListClient, ConversationListClientOptions } from './conversation-list-client.ts';
export { type ConversationListStore, createConversationListStore } from './conversation-list-store.ts';
export {
  type ClientOptions,
  type ConversationListOpener,
  createClient,
  type OnceClient,
} from './create-client.ts';
export { createHttpTransport, type HttpTransportOptions } from './create-http-transport.ts';
export { isRetryable } from './is-retryable.ts';
export type { NetworkEvents } from './network-status.ts';
export type { ApplyOutcome, AttemptEnd, StreamTarget } from './stream-target.ts';
export { systemTimers, type TimerHandle, type Timers } from './timers.ts';
export type {
  ConversationPage,
  SendInput,
  SendResult,
  StreamKey,
  Transport,
  TransportItem,
} from './transport.ts';
