import { createMessageStore, type MessageStore } from '@once/core';
import {
  type ApprovalDecision,
  type Attachment,
  type ClientMessageId,
  type ConversationId,
  clientMessageIdSchema,
  type MessageId,
  newId,
} from '@once/protocol';
import type { BackoffOptions } from './backoff.ts';
import { connectStream } from './connect-stream.ts';
import type { ConnectionState, ConnectionStateSource } from './connection-state.ts';
import { conversationTarget } from './conversation-target.ts';
import { createDeliveryLog, type DeliveryLog } from './delivery-log.ts';
import type { AppDomain, AppEvent } from './domains/app-domain.ts';
import { createConnectionDomain } from './domains/connection-domain.ts';
import { type ConversationEventDomains, createConversationDomains } from './domains/conversation-domains.ts';
import type { DomainDispatcher } from './domains/create-domain-dispatcher.ts';
import type { NetworkEvents } from './network-status.ts';
import { createHistoryPages, type OlderMessages } from './older-messages.ts';
import { retry } from './retry.ts';
import type { Timers } from './timers.ts';
import type { RegenerateResult, SendResult, Transport } from './transport.ts';

/** Options of {@link ConversationClient.send}. */
export interface SendOptions {
  /**
   * The id that makes the send idempotent: the same id again (a retry, a second tab, a
   * reload that resends) creates no second message. Default: a fresh UUIDv7.
   */
  readonly clientMessageId?: string;
  /**
   * Edit and resend: the id of the user message this one replaces. It opens beside that
   * one, on a new branch that becomes the current path (decision 022). Default none.
   */
  readonly replaces?: MessageId;
  /**
   * Files to send with the message, as `uploadAttachment` returned them (a `name` here
   * is the one shown). The message may then have empty text. Default none.
   */
  readonly attachments?: readonly Attachment[];
}

/** Options of {@link ConversationClient.regenerate}. */
export interface RegenerateOptions {
  /** The id that makes the regenerate idempotent: the same id again queues nothing new. Default: a fresh UUIDv7. */
  readonly clientMessageId?: string;
}

/** A conversation's typed domains; see {@link ConversationClient.domains}. */
export interface ConversationDomains extends ConversationEventDomains {
  /** The connection's status: each change is an event; its state is the latest one. */
  readonly connection: DomainDispatcher<ConnectionState, ConnectionState>;
}

/** Options of `client.conversation(id, options)`. */
export interface OpenConversationOptions {
  /**
   * App-defined domains whose events this conversation's consumers read through
   * {@link ConversationClient.appDomain}. The server's snapshot cannot hold their state,
   * so a conversation with app domains replays its stream from the first event (at start,
   * and after a `reset` or a refused event) instead of starting from the snapshot.
   * Default: none.
   */
  readonly appDomains?: readonly AppDomain<unknown, unknown>[];
  /**
   * Start from the latest `pageSize` messages (1–1000) instead of the whole history, so a
   * conversation of 10,000 messages opens as fast as a short one; older messages load a
   * page at a time through {@link ConversationClient.olderMessages}. Ignored with
   * `appDomains` (they replay the stream from its first event) and by a transport that
   * cannot page. Default: the whole snapshot.
   */
  readonly pageSize?: number;
}

/** One conversation, followed live. Isolated: its own store, connection and requests. */
export interface ConversationClient {
  readonly conversationId: ConversationId;
  /** The conversation's state; every event and optimistic message goes through it. */
  readonly store: MessageStore;
  /** Connection status and last error. */
  readonly connection: ConnectionStateSource;
  /**
   * The wire log: how many events were delivered, applied, and ignored as duplicates since
   * the conversation was opened, the most recent of them (500), and the offset each
   * (re)connect asked to resume after. For inspectors and diagnostics; cheap when unwatched.
   */
  readonly deliveries: DeliveryLog;
  /**
   * Typed, buffered subscriptions per domain (message, turn, approval, usage, connection):
   * `conversation.domains.message.subscribe(item => …, { bufferSize: 64 })`. Each item is
   * an event the store accepted or, when the consumer fell behind or the store was
   * refetched, the domain's exact state (a `resync`); nothing is dropped silently.
   */
  readonly domains: ConversationDomains;
  /**
   * The dispatcher of an app domain given in {@link OpenConversationOptions.appDomains}.
   * @throws Error when the domain was not given when the conversation was opened.
   */
  appDomain<Data, State>(domain: AppDomain<Data, State>): DomainDispatcher<State, AppEvent<Data>>;
  /**
   * The messages the store does not hold yet when the conversation was opened with a
   * `pageSize`: `hasOlder`, `loading`, and `loadOlder()` to put the next older page at the
   * start of the store. Without a `pageSize`, `hasOlder` is always false.
   */
  readonly olderMessages: OlderMessages;
  /**
   * Sends a user message. It shows at once as a pending message, is retried with the same
   * clientMessageId while the daemon is unreachable, and is withdrawn when the send fails
   * for good (the promise then rejects).
   */
  send(content: string, options?: SendOptions): Promise<SendResult>;
  /**
   * Answers the assistant message's question again: a new turn whose answer is a new
   * message beside this one (its alternatives: `alternativesOf` in `@once/core`). Retried
   * with the same clientMessageId while the daemon is unreachable. Rejects with `conflict`
   * while a turn runs or waits.
   */
  regenerate(messageId: MessageId, options?: RegenerateOptions): Promise<RegenerateResult>;
  /**
   * Shows the branch through the message (an alternative the user paged to): every client
   * of the conversation follows, and a reload shows it too. Rejects with `conflict` while a
   * turn runs or waits.
   */
  selectBranch(messageId: MessageId): Promise<void>;
  /** Cancels the running turn, if any; retried while the daemon is unreachable. */
  cancel(): Promise<void>;
  /** Answers a tool call waiting for approval. */
  decide(toolUseId: string, decision: ApprovalDecision): Promise<void>;
  /** Stops following the stream and abandons requests in flight. The store keeps its state. */
  close(): void;
  /** Settles once the connection loop has stopped. */
  readonly closed: Promise<void>;
}

/** What {@link openConversation} needs; see `ClientOptions` for each field. */
export interface ConversationClientOptions extends OpenConversationOptions {
  readonly transport: Transport;
  readonly timers: Timers;
  readonly random: () => number;
  readonly now: () => number;
  readonly backoff?: BackoffOptions;
  readonly heartbeatMs?: number;
  readonly network?: NetworkEvents;
  readonly sendAttempts?: number;
}

/** What a conversation opened without pages has: everything, so nothing older. */
const NOTHING_OLDER = { hasOlder: false, count: 0, loading: false } as const;
const NO_OLDER_MESSAGES: OlderMessages = {
  getSnapshot: () => NOTHING_OLDER,
  subscribe: () => () => {},
  loadOlder: async () => {},
};

/** Opens one conversation: a store bootstrapped from its snapshot and its live stream. */
export function openConversation(
  conversationId: ConversationId,
  options: ConversationClientOptions,
): ConversationClient {
  const { transport, timers, random } = options;
  const store = createMessageStore({ conversationId });
  const appDomains = options.appDomains ?? [];
  const hub = createConversationDomains(store, appDomains);
  const deliveries = createDeliveryLog();
  const pages =
    options.pageSize !== undefined && appDomains.length === 0 && transport.olderMessages !== undefined
      ? createHistoryPages({ transport, store, pageSize: options.pageSize, changed: hub.restarted })
      : undefined;
  const connection = connectStream({
    transport,
    target: conversationTarget(transport, store, {
      start: appDomains.length === 0 ? 'snapshot' : 'replay',
      observer: hub,
      deliveries,
      ...(pages === undefined ? {} : { fetchSnapshot: pages.fetchStart }),
    }),
    timers,
    random,
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.network === undefined ? {} : { network: options.network }),
  });
  const requests = new AbortController();
  const retried = <T>(operation: () => Promise<T>) =>
    retry(operation, {
      timers,
      random,
      signal: requests.signal,
      ...(options.sendAttempts === undefined ? {} : { attempts: options.sendAttempts }),
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    });

  const connectionDomain = createConnectionDomain(connection.state, () => store.getSnapshot().offset);
  const close = () => {
    requests.abort();
    pages?.close();
    connection.close();
  };
  void connection.done.then(connectionDomain.close);

  return {
    conversationId,
    store,
    connection: connection.state,
    deliveries,
    domains: { ...hub.domains, connection: connectionDomain.dispatcher },
    appDomain: hub.appDomain,
    olderMessages: pages ?? NO_OLDER_MESSAGES,
    closed: connection.done,
    async send(content, sendOptions = {}) {
      const clientMessageId = clientMessageIdSchema.parse(sendOptions.clientMessageId ?? newId()) as ClientMessageId;
      const attachments = sendOptions.attachments ?? [];
      store.addPending({
        clientMessageId,
        text: content,
        createdAt: new Date(options.now()).toISOString(),
        ...(attachments.length === 0 ? {} : { attachments }),
      });
      const references = attachments.map(({ hash, name }) => (name === undefined ? { hash } : { hash, name }));
      const input = {
        content,
        clientMessageId,
        ...(sendOptions.replaces === undefined ? {} : { replaces: sendOptions.replaces }),
        ...(references.length === 0 ? {} : { attachments: references }),
      };
      try {
        return await retried(() => transport.send(conversationId, input, requests.signal));
      } catch (error) {
        store.removePending(clientMessageId);
        throw error;
      }
    },
    async regenerate(messageId, regenerateOptions = {}) {
      const regenerate = transport.regenerate?.bind(transport);
      if (regenerate === undefined) throw new Error('This transport cannot regenerate: it has no regenerate().');
      const clientMessageId = clientMessageIdSchema.parse(
        regenerateOptions.clientMessageId ?? newId(),
      ) as ClientMessageId;
      return retried(() => regenerate(conversationId, messageId, { clientMessageId }, requests.signal));
    },
    async selectBranch(messageId) {
      const select = transport.selectBranch?.bind(transport);
      if (select === undefined) throw new Error('This transport cannot switch branches: it has no selectBranch().');
      await retried(() => select(conversationId, messageId, requests.signal));
    },
    cancel: () => retried(() => transport.cancel(conversationId, requests.signal)),
    decide: (toolUseId, decision) =>
      retried(() => transport.decide(conversationId, toolUseId, decision, requests.signal)),
    close,
  };
}
