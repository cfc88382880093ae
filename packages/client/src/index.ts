export { type BackoffOptions, backoffDelay } from './backoff.ts';
export { type ConnectStreamOptions, connectStream, type StreamConnection } from './connect-stream.ts';
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
export { type ClientOptions, createClient, type OnceClient } from './create-client.ts';
export { createHttpTransport, type HttpTransportOptions } from './create-http-transport.ts';
export { isRetryable } from './is-retryable.ts';
export type { NetworkEvents } from './network-status.ts';
export { systemTimers, type TimerHandle, type Timers } from './timers.ts';
export type { SendInput, SendResult, StreamKey, Transport, TransportItem } from './transport.ts';
