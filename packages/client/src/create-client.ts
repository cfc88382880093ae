import { type Attachment, type ConversationId, OnceError } from '@once/protocol';
import type { BackoffOptions } from './backoff.ts';
import { type ConversationClient, type OpenConversationOptions, openConversation } from './conversation-client.ts';
import { type ConversationListClient, openConversationList } from './conversation-list-client.ts';
import { createHttpTransport } from './create-http-transport.ts';
import type { NetworkEvents } from './network-status.ts';
import { systemTimers, type Timers } from './timers.ts';
import type { Transport, UploadDetails } from './transport.ts';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The daemon's address, e.g. `http://127.0.0.1:7420`. Ignored when `transport` is given. */
  readonly baseUrl?: string;
  /** Sent as `Authorization: Bearer <token>`. Ignored when `transport` is given. */
  readonly token?: string;
  /** The `fetch` the default transport uses. Default: `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** How to reach the daemon. Default: {@link createHttpTransport} on `baseUrl`. */
  readonly transport?: Transport;
  /** Timers for backoff and the heartbeat watchdog. Default: the platform's. */
  readonly timers?: Timers;
  /** A number in [0, 1) for jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** The time in milliseconds since the epoch, for optimistic messages. Default `Date.now`. */
  readonly now?: () => number;
  /** Reconnect and retry delays. Defaults: 250 ms doubling up to 15 s, half of it jitter. */
  readonly backoff?: BackoffOptions;
  /** The daemon's heartbeat interval in milliseconds; silence for twice as long reconnects. Default 15,000. */
  readonly heartbeatMs?: number;
  /** Where `online`/`offline` events come from. Default: `globalThis` when it has `addEventListener`. */
  readonly network?: NetworkEvents;
  /** Tries per send, cancel or decision while the daemon is unreachable. Default 5. */
  readonly sendAttempts?: number;
}

/** The entry point of the SDK. */
export interface OnceClient {
  /**
   * Opens a conversation: fetches its snapshot, then follows its events live. Each call
   * returns a new, independent client; close the one you no longer show.
   */
  conversation(conversationId: string, options?: OpenConversationOptions): ConversationClient;
  /** Closes every conversation (and conversation list) this client opened. */
  close(): void;
}

/**
 * What {@link createClient} returns beyond {@link OnceClient}: the live conversation list.
 * Kept apart so clients written against `OnceClient` (test doubles, bindings) stay valid.
 */
export interface ConversationListOpener {
  /**
   * Opens the account's conversation list: reads every page of it, then follows the
   * account's events live. Each call returns a new, independent list; close it when done.
   */
  conversations(): ConversationListClient;
}

/**
 * What {@link createClient} returns for files sent with messages. Kept apart from
 * {@link OnceClient} for the same reason as {@link ConversationListOpener}.
 */
export interface AttachmentClient {
  /**
   * Uploads a file (`POST /v1/attachments`) and returns its record, to pass to
   * `send(text, { attachments })`. The same bytes again return the same record.
   * @throws OnceError `payload_too_large` (413) or `unsupported_media_type` (415) when the
   *   daemon refuses the file; `invalid_request` when the transport cannot upload.
   */
  uploadAttachment(data: Blob | Uint8Array, details: UploadDetails): Promise<Attachment>;
  /**
   * Deletes an upload no message has sent yet (`DELETE /v1/attachments/:hash`), e.g. a
   * file the person removed before sending; its bytes go at once.
   * @throws OnceError `conflict` (409) once a message sent it (it goes with its
   *   conversations); `not_found` (404) for a hash this account has no upload of;
   *   `invalid_request` when the transport cannot delete.
   */
  deleteAttachment(hash: string): Promise<void>;
  /** The URL of an attachment's bytes, with the token as `?token=` when the client has one (for `<img src>`). */
  attachmentUrl(hash: string): string;
}

/** Creates a client for one daemon (and one account, through its token). */
export function createClient(options: ClientOptions): OnceClient & ConversationListOpener & AttachmentClient {
  const transport = options.transport ?? createHttpTransport(transportOptions(options));
  const open = new Set<{ close(): void }>();
  const close = () => {
    for (const conversation of open) conversation.close();
    open.clear();
  };
  const shared = {
    transport,
    timers: options.timers ?? systemTimers,
    random: options.random ?? Math.random,
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.network === undefined ? {} : { network: options.network }),
    ...(options.sendAttempts === undefined ? {} : { sendAttempts: options.sendAttempts }),
  };
  const track = <T extends { close(): void; readonly closed: Promise<void> }>(opened: T): T => {
    open.add(opened);
    void opened.closed.then(() => open.delete(opened));
    return opened;
  };
  return {
    conversation: (conversationId, open = {}) =>
      track(openConversation(conversationId as ConversationId, { ...shared, ...open, now: options.now ?? Date.now })),
    conversations: () => track(openConversationList(shared)),
    uploadAttachment(data, details) {
      if (transport.uploadAttachment === undefined) {
        return Promise.reject(new OnceError('invalid_request', 'This client’s transport cannot upload attachments.'));
      }
      return transport.uploadAttachment(data, details);
    },
    deleteAttachment(hash) {
      if (transport.deleteAttachment === undefined) {
        return Promise.reject(new OnceError('invalid_request', 'This client’s transport cannot delete attachments.'));
      }
      return transport.deleteAttachment(hash);
    },
    attachmentUrl(hash) {
      if (transport.attachmentUrl === undefined) {
        throw new OnceError('invalid_request', 'This client’s transport has no attachment URLs.');
      }
      return transport.attachmentUrl(hash);
    },
    close,
  };
}

function transportOptions(options: ClientOptions) {
  if (options.baseUrl === undefined) {
    throw new TypeError('createClient needs a baseUrl (or a transport).');
  }
  return {
    baseUrl: options.baseUrl,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  };
}
