import {
  type ClientOptions,
  type ConversationClient,
  createClient,
  createHttpTransport,
  type Transport,
} from '@once/client';
import { type ConversationState, currentPath } from '@once/core';
import type {
  Attachment,
  ConversationId,
  ConversationSnapshot,
  MessageId,
  MessageSnapshot,
  TurnId,
} from '@once/protocol';
import type { ChatTransport, FileUIPart, UIMessage, UIMessageChunk } from 'ai';
import type { UIPartEvent } from '../ui-message/ui-part-events.ts';
import { conversationIdOf } from './conversation-id-of.ts';
import { regenerateTarget } from './regenerate-target.ts';
import { type AssistantMessageStream, streamAssistantMessage } from './stream-assistant-message.ts';
import { uiPartDomain } from './ui-part-domain.ts';

/** Options of {@link OnceChatTransport}. */
export interface OnceChatTransportOptions {
  /** The daemon's address, e.g. `http://127.0.0.1:7420`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. Default: none. */
  readonly token?: string;
  /**
   * The Once conversation to talk in. Default: the chat's id (`useChat({ id })`), which
   * must then be a Once conversation id.
   */
  readonly conversationId?: string;
  /** The `fetch` to use. Default: `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /**
   * For a conversation an AI SDK chat route answers through Once: read step boundaries
   * and the data parts with these names (`weather` for `data-weather`) from the
   * conversation's app events; `[]` reads step boundaries only. Costs a replay of the
   * conversation's stream from its first event when the transport connects. Default:
   * none; steps are inferred from the blocks, as Once's own tool loop takes them.
   */
  readonly dataPartNames?: readonly string[];
  /** Reconnect and retry settings of the Once client under the transport. Default: the client's. */
  readonly client?: Pick<ClientOptions, 'backoff' | 'heartbeatMs' | 'sendAttempts' | 'network' | 'timers'>;
}

/** One conversation the transport follows: its client, and how to read its part events. */
interface FollowedConversation {
  readonly conversation: ConversationClient;
  readonly partEvents: () => readonly UIPartEvent[] | undefined;
}

/**
 * The AI SDK's `useChat` on Once: a `ChatTransport` whose streams come from Once's client
 * (snapshot bootstrap, SSE resumed with `Last-Event-ID`, the idempotent reducer, gap
 * recovery), so no drop, duplicate or gap ever reaches the hook.
 *
 * - `sendMessages` sends the last user message's text with the UI message's id as its
 *   `clientMessageId` (a retried send creates nothing twice) and streams the assistant
 *   message that answers it, until it ends. The hook's `stop()` cancels the turn.
 *   `regenerate()` (trigger `regenerate-message`) asks Once to regenerate the assistant
 *   message (decision 022) and streams the new answer; the old one stays in Once as an
 *   alternative, and `useChat` shows the new one in its place.
 *   An edit (`sendMessage({ text, messageId })`) is sent with `replaces` naming the edited
 *   message, on a new branch. File parts are uploaded (`POST /v1/attachments`) and sent
 *   as the message's attachments.
 * - `reconnectToStream` returns `null` when the conversation runs no turn, else a replay
 *   of the running turn's assistant message (`resumeStreamIsReplay`): `start` with its
 *   id, its content so far, then live.
 * - A stream whose message the client had to resync to a state that does not extend
 *   what was shown ends with a `MessageRebuildError` (a network-classified `TypeError`);
 *   the next `reconnectToStream` replays that message whole, even if its turn ended.
 *
 * One transport keeps one Once connection per conversation, opened at its first send or
 * resume and kept between turns; two tabs are two transports. `close()` ends them all.
 * A stream follows the first assistant message of its turn; a turn that ends without
 * one ends a send stream with an `error` chunk, provided the store saw the turn run.
 */
export class OnceChatTransport<UI_MESSAGE extends UIMessage = UIMessage> implements ChatTransport<UI_MESSAGE> {
  /** A resume stream starts the message over: the hook resets it at the first `start`. */
  readonly resumeStreamIsReplay = true;
  readonly #options: OnceChatTransportOptions;
  readonly #http: Transport;
  readonly #client: ReturnType<typeof createClient>;
  readonly #followed = new Map<ConversationId, FollowedConversation>();
  /** Per conversation, a message a stream could not extend, to be replayed whole on the next resume. */
  readonly #rebuilds = new Map<ConversationId, string>();
  readonly #streams = new Set<AssistantMessageStream>();
  #resumes = 0;

  constructor(options: OnceChatTransportOptions) {
    this.#options = options;
    this.#http = createHttpTransport({
      baseUrl: options.baseUrl,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    this.#client = createClient({ transport: this.#http, ...options.client });
  }

  async sendMessages(options: Parameters<ChatTransport<UI_MESSAGE>['sendMessages']>[0]) {
    const conversationId = conversationIdOf(options.chatId, this.#options.conversationId);
    if (options.trigger === 'regenerate-message') return this.#regenerate(conversationId, options);
    const last = options.messages.at(-1);
    if (last?.role !== 'user') throw new Error('sendMessages needs the last message to be the user message to send.');
    // Joined as the daemon's AI SDK endpoint joins them, so both send the same message.
    const text = last.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n\n');
    const files = last.parts.filter((part) => part.type === 'file');
    if (text.trim() === '' && files.length === 0) {
      throw new Error('Once sends text or files: the user message has neither.');
    }
    const attachments = await this.#upload(files, options.abortSignal);
    // useChat's edit (`sendMessage({ text, messageId })`) keeps the edited message's id,
    // which Once holds as that message's clientMessageId: the edit is sent beside it under
    // an id of its own, or the daemon would take it for a retry of the first.
    const replaces =
      options.messageId === undefined
        ? undefined
        : editedMessage(await this.#http.snapshot(conversationId, options.abortSignal), options.messageId);
    const followed = this.#follow(conversationId);
    const { turnId } = await followed.conversation.send(text, {
      ...(replaces === undefined ? { clientMessageId: last.id } : { replaces }),
      ...(attachments.length === 0 ? {} : { attachments }),
    });
    let seenRunning = false;
    const select = (state: ConversationState) => {
      const message = answerOf(state, turnId);
      if (message !== undefined) return message;
      if (state.activeTurn?.turnId === turnId) seenRunning = true;
      return seenRunning && state.activeTurn?.turnId !== turnId ? 'gone' : 'wait';
    };
    return this.#stream(conversationId, followed, select, {
      goneText: 'The turn ended without an answer.',
      signal: options.abortSignal,
      onAbort: () => void followed.conversation.cancel().catch(() => {}),
    });
  }

  /**
   * Uploads useChat's file parts (data URLs from `sendMessage({ files })`, or any URL this
   * page can fetch) as attachments, in order. @throws the daemon's 413/415 as `OnceError`.
   */
  async #upload(files: readonly FileUIPart[], signal: AbortSignal | undefined): Promise<Attachment[]> {
    const attachments: Attachment[] = [];
    for (const file of files) {
      const response = await fetch(file.url, signal === undefined ? {} : { signal });
      if (!response.ok)
        throw new Error(`Could not read the file ${file.filename ?? file.url.slice(0, 60)} to send it.`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      attachments.push(
        await this.#client.uploadAttachment(bytes, {
          mediaType: file.mediaType,
          ...(file.filename === undefined ? {} : { name: file.filename }),
        }),
      );
    }
    return attachments;
  }

  async reconnectToStream(options: Parameters<ChatTransport<UI_MESSAGE>['reconnectToStream']>[0]) {
    const conversationId = conversationIdOf(options.chatId, this.#options.conversationId);
    const resume = ++this.#resumes;
    const rebuild = this.#rebuilds.get(conversationId);
    const snapshot = await this.#http.snapshot(conversationId, options.abortSignal);
    const caughtUp = (state: ConversationState) => state.offset >= snapshot.offset;
    let select: (state: ConversationState) => MessageSnapshot | 'wait' | 'gone';
    if (rebuild !== undefined) {
      this.#rebuilds.delete(conversationId);
      select = (state) =>
        state.messages.find((message) => message.id === rebuild) ?? (caughtUp(state) ? 'gone' : 'wait');
    } else if (snapshot.activeTurn !== undefined) {
      const { turnId } = snapshot.activeTurn;
      // The store may still be behind the snapshot; once it caught up, a turn no longer running ended.
      select = (state) =>
        answerOf(state, turnId) ?? (caughtUp(state) && state.activeTurn?.turnId !== turnId ? 'gone' : 'wait');
    } else {
      return null;
    }
    const followed = this.#follow(conversationId);
    return this.#stream(conversationId, followed, select, {
      signal: options.abortSignal,
      // The hook aborts a resume for its stop() and when a newer resume replaces it; only
      // the first cancels the turn, and a replacing resume calls this transport at once.
      onAbort: () =>
        setTimeout(() => {
          if (this.#resumes === resume) void followed.conversation.cancel().catch(() => {});
        }, 0),
    });
  }

  /**
   * useChat's `regenerate()`: a new turn whose answer replaces the assistant message
   * (decision 022), streamed like a send's. Once keeps the old answer as an alternative.
   */
  async #regenerate(
    conversationId: ConversationId,
    options: Parameters<ChatTransport<UI_MESSAGE>['sendMessages']>[0],
  ): Promise<ReadableStream<UIMessageChunk>> {
    const snapshot = await this.#http.snapshot(conversationId, options.abortSignal);
    const target = regenerateTarget(snapshot, options.messageId);
    if (target === undefined) throw new Error('There is no answer to regenerate in this conversation yet.');
    const followed = this.#follow(conversationId);
    const { turnId } = await followed.conversation.regenerate(target);
    let seenRunning = false;
    return this.#stream(
      conversationId,
      followed,
      (state) => {
        const message = answerOf(state, turnId);
        if (message !== undefined) return message;
        if (state.activeTurn?.turnId === turnId) seenRunning = true;
        return seenRunning && state.activeTurn?.turnId !== turnId ? 'gone' : 'wait';
      },
      {
        goneText: 'The turn ended without an answer.',
        signal: options.abortSignal,
        onAbort: () => void followed.conversation.cancel().catch(() => {}),
      },
    );
  }

  /** Closes every connection; streams still open end as aborted. */
  close(): void {
    for (const stream of this.#streams) stream.end(new DOMException('The transport was closed.', 'AbortError'));
    this.#client.close();
    this.#followed.clear();
  }

  #follow(conversationId: ConversationId): FollowedConversation {
    const known = this.#followed.get(conversationId);
    if (known !== undefined) return known;
    const names = this.#options.dataPartNames;
    const domain = names === undefined ? undefined : uiPartDomain(names);
    const conversation = this.#client.conversation(
      conversationId,
      domain === undefined ? {} : { appDomains: [domain] },
    );
    const dispatcher = domain === undefined ? undefined : conversation.appDomain(domain);
    const followed = { conversation, partEvents: () => dispatcher?.current().state };
    this.#followed.set(conversationId, followed);
    return followed;
  }

  #stream(
    conversationId: ConversationId,
    followed: FollowedConversation,
    select: (state: ConversationState) => MessageSnapshot | 'wait' | 'gone',
    extra: { goneText?: string; signal: AbortSignal | undefined; onAbort: () => void },
  ): ReadableStream<UIMessageChunk> {
    const running = streamAssistantMessage({
      ...followed,
      select,
      ...extra,
      onDiverged: (messageId) => this.#rebuilds.set(conversationId, messageId),
    });
    this.#streams.add(running);
    void running.ended.then(() => this.#streams.delete(running));
    return running.stream;
  }
}

/** The assistant message that answers turn `turnId`: the first one it opened. */
function answerOf(state: ConversationState, turnId: TurnId): MessageSnapshot | undefined {
  return state.messages.find((message) => message.role === 'assistant' && message.turnId === turnId);
}

/** The user message an edit replaces: the one on the current path first, as useChat shows it. */
function editedMessage(snapshot: ConversationSnapshot, uiMessageId: string): MessageId {
  const named = (message: MessageSnapshot) =>
    message.role === 'user' && (message.id === uiMessageId || message.clientMessageId === uiMessageId);
  const found = currentPath(snapshot).find(named) ?? snapshot.messages.find(named);
  if (found === undefined) throw new Error(`There is no user message ${uiMessageId} in this conversation to edit.`);
  return found.id;
}
