import type {
  ApprovalDecision,
  Attachment,
  ClientMessageId,
  Conversation,
  ConversationId,
  ConversationSnapshot,
  IncomingEvent,
  MessageId,
  MessagePage,
  Offset,
  TurnId,
} from '@once/protocol';

/** Which stream to follow: one conversation's, or the account's conversation list. */
export type StreamKey =
  | { readonly stream: 'conversation'; readonly conversationId: ConversationId }
  | { readonly stream: 'account' };

/**
 * One thing read from an event stream, in the order the server sent it.
 * - `event`: a parsed event, known type or not (forward compatibility).
 * - `events`: several such events in a row, in order (what one read of the wire held):
 *   the same as as many `event` items, for one step of the consumer's loop instead of one
 *   per event. Optional for a transport.
 * - `ready`: everything up to `offset` has been sent; the stream is live from here.
 * - `reset`: the cursor was beyond the stream's head (`offset`); the stream ends and the
 *   client must refetch the snapshot.
 * - `heartbeat`: the server is alive but has nothing to say. `sent`, when the server
 *   named it, is the offset of the last event it wrote on this connection: a client that
 *   holds less lost an event on the way.
 */
export type TransportItem =
  | { readonly kind: 'event'; readonly event: IncomingEvent }
  | { readonly kind: 'events'; readonly events: readonly IncomingEvent[] }
  | { readonly kind: 'ready'; readonly offset: Offset }
  | { readonly kind: 'reset'; readonly offset: Offset }
  | { readonly kind: 'heartbeat'; readonly sent?: Offset };

/** What a send returns: the server's ids, the same again for a repeated clientMessageId. */
export interface SendResult {
  readonly userMessageId: MessageId;
  readonly turnId: TurnId;
}

/** What a send carries. */
export interface SendInput {
  readonly content: string;
  readonly clientMessageId: ClientMessageId;
  /** The user message this one edits: it opens beside that one, on a new branch (decision 022). */
  readonly replaces?: MessageId;
  /** Uploaded files the message is sent with, by hash; `name` replaces the upload's. Default none. */
  readonly attachments?: readonly { readonly hash: string; readonly name?: string }[];
}

/** What an upload says about its bytes (`Transport.uploadAttachment`). */
export interface UploadDetails {
  /** The media type, e.g. `image/png`; the daemon refuses types it does not take (415). */
  readonly mediaType: string;
  /** The file name to show, at most 255 characters. Default none. */
  readonly name?: string;
}

/** What a regenerate returns: the new turn and the user message it answers again. */
export interface RegenerateResult {
  readonly turnId: TurnId;
  readonly userMessageId: MessageId;
}

/** Options of {@link Transport.snapshot}. */
export interface SnapshotOptions {
  /**
   * Ask for the latest `limit` messages only (1–1000), with an `older` cursor when the
   * server left some out. Default: every message.
   */
  readonly limit?: number;
}

/** One page of `GET /v1/conversations`. */
export interface ConversationPage {
  /** Most recently updated first. */
  readonly conversations: readonly Conversation[];
  /** The account stream's offset the whole list was read at (not only this page). */
  readonly offset: Offset;
  /** Pass it back to read the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/**
 * How a client reaches a Once daemon. The default speaks HTTP and SSE
 * ({@link createHttpTransport}); tests wrap it to cut connections or replay events, and
 * other transports (in-process, WebSocket) can take its place.
 *
 * Every failure is thrown as an `OnceError` when the server said why (its error body), or
 * as whatever the platform threw (a network `TypeError`, an `AbortError`) when it did not.
 */
export interface Transport {
  /**
   * `GET /v1/conversations/:id`: the conversation folded at exactly `snapshot.offset`;
   * with `options.limit`, only its latest messages and an `older` cursor to the rest.
   */
  snapshot(
    conversationId: ConversationId,
    signal?: AbortSignal,
    options?: SnapshotOptions,
  ): Promise<ConversationSnapshot>;
  /**
   * `GET /v1/conversations/:id/messages?before=&limit=`: the `limit` messages just before
   * message `before`, all ended. A transport without it cannot page: conversations opened
   * with a `pageSize` then start from the whole snapshot.
   */
  olderMessages?(
    conversationId: ConversationId,
    before: MessageId,
    limit: number,
    signal?: AbortSignal,
  ): Promise<MessagePage>;
  /**
   * The events of `stream` after `afterOffset`, live: replays what exists, yields `ready`,
   * then follows new commits until the server ends the stream or `signal` aborts (which
   * makes the iteration throw).
   */
  events(stream: StreamKey, afterOffset: Offset, signal: AbortSignal): AsyncIterable<TransportItem>;
  /** `POST …/messages`. Safe to repeat with the same clientMessageId. */
  send(conversationId: ConversationId, input: SendInput, signal?: AbortSignal): Promise<SendResult>;
  /**
   * `POST …/messages/:messageId/regenerate`: answers again in a new turn, whose answer
   * replaces that assistant message. Safe to repeat with the same clientMessageId.
   * Optional: a transport without it cannot regenerate.
   */
  regenerate?(
    conversationId: ConversationId,
    messageId: MessageId,
    input: { readonly clientMessageId: ClientMessageId },
    signal?: AbortSignal,
  ): Promise<RegenerateResult>;
  /**
   * `POST …/branch`: shows the branch through the message, for every client. Optional: a
   * transport without it cannot switch branches.
   */
  selectBranch?(conversationId: ConversationId, messageId: MessageId, signal?: AbortSignal): Promise<void>;
  /**
   * `POST /v1/attachments`: stores a file for the account and returns its record, to send
   * with a message. The same bytes again return the same hash. A transport without it
   * cannot send files.
   */
  uploadAttachment?(data: Blob | Uint8Array, details: UploadDetails, signal?: AbortSignal): Promise<Attachment>;
  /**
   * `DELETE /v1/attachments/:hash`: deletes an upload no message has sent (a file the
   * person removed before sending). A transport without it cannot delete files.
   */
  deleteAttachment?(hash: string, signal?: AbortSignal): Promise<void>;
  /**
   * The URL of an attachment's bytes (`GET /v1/attachments/:hash`), with the token as
   * `?token=` when the transport has one, so that an `<img src>` can show it.
   */
  attachmentUrl?(hash: string): string;
  /** `POST …/cancel`: cancels the running turn; idempotent. */
  cancel(conversationId: ConversationId, signal?: AbortSignal): Promise<void>;
  /** `POST …/approvals/:toolUseId`: decides a tool call waiting for approval. */
  decide(
    conversationId: ConversationId,
    toolUseId: string,
    decision: ApprovalDecision,
    signal?: AbortSignal,
  ): Promise<void>;
  /** `GET /v1/conversations`: one page of the account's conversations, from `cursor` (default: the first). */
  listConversations(cursor: string | undefined, signal?: AbortSignal): Promise<ConversationPage>;
  /** `POST /v1/conversations`. Not idempotent: each call creates one. */
  createConversation(title: string | undefined, signal?: AbortSignal): Promise<Conversation>;
  /** `PATCH /v1/conversations/:id`: sets the title; safe to repeat. */
  renameConversation(conversationId: ConversationId, title: string, signal?: AbortSignal): Promise<Conversation>;
  /** `DELETE /v1/conversations/:id`. A second call answers `conversation_not_found`. */
  deleteConversation(conversationId: ConversationId, signal?: AbortSignal): Promise<void>;
}
