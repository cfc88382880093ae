import type { AccountEvent, Conversation, ConversationId } from '@once/protocol';
import type { BackoffOptions } from './backoff.ts';
import { connectStream } from './connect-stream.ts';
import type { ConnectionState, ConnectionStateSource } from './connection-state.ts';
import { type ConversationListStore, createConversationListStore } from './conversation-list-store.ts';
import { createConnectionDomain } from './domains/connection-domain.ts';
import { type ConversationListDomainState, conversationListDomain } from './domains/conversation-list-domain.ts';
import { createDomainDispatcher, type DomainDispatcher, type DomainFeed } from './domains/create-domain-dispatcher.ts';
import { fetchConversationList } from './fetch-conversation-list.ts';
import type { NetworkEvents } from './network-status.ts';
import { retry } from './retry.ts';
import type { StreamTarget } from './stream-target.ts';
import type { Timers } from './timers.ts';
import type { Transport } from './transport.ts';

/**
 * The account's conversations, followed live: the list is read from
 * `GET /v1/conversations` (every page) and kept in step with `GET /v1/account/events`.
 */
export interface ConversationListClient {
  /** The list; every account event goes through it. */
  readonly store: ConversationListStore;
  /** Connection status and last error. */
  readonly connection: ConnectionStateSource;
  /**
   * Typed, buffered subscriptions: `conversations` (the list; a resync carries the whole
   * list) and `connection`. See `ConversationClient.domains`.
   */
  readonly domains: ConversationListDomains;
  /**
   * Creates a conversation; it shows in the list when its event arrives. Tried once: a
   * repeated create would make a second conversation.
   */
  create(title?: string): Promise<Conversation>;
  /** Sets a conversation's title; retried while the daemon is unreachable. */
  rename(conversationId: string, title: string): Promise<Conversation>;
  /** Deletes a conversation. Tried once: a repeated delete answers `conversation_not_found`. */
  remove(conversationId: string): Promise<void>;
  /** Stops following the list and abandons requests in flight. The store keeps its state. */
  close(): void;
  /** Settles once the connection loop has stopped. */
  readonly closed: Promise<void>;
}

/** The domains of a conversation list. */
export interface ConversationListDomains {
  /** The account's conversations, most recently updated first. */
  readonly conversations: DomainDispatcher<ConversationListDomainState, AccountEvent>;
  /** The connection's status: each change is an event; its state is the latest one. */
  readonly connection: DomainDispatcher<ConnectionState, ConnectionState>;
}

/** What {@link openConversationList} needs; see `ClientOptions` for each field. */
export interface ConversationListClientOptions {
  readonly transport: Transport;
  readonly timers: Timers;
  readonly random: () => number;
  readonly backoff?: BackoffOptions;
  readonly heartbeatMs?: number;
  readonly network?: NetworkEvents;
  readonly sendAttempts?: number;
}

/** Opens the account's conversation list: fetched whole, then followed live. */
export function openConversationList(options: ConversationListClientOptions): ConversationListClient {
  const { transport, timers, random } = options;
  const store = createConversationListStore();
  const conversations = createDomainDispatcher({
    name: conversationListDomain.name,
    current: () => ({ state: conversationListDomain.project(store.getSnapshot()), offset: store.getSnapshot().offset }),
    fold: conversationListDomain.fold,
  });
  const connection = connectStream({
    transport,
    target: listTarget(transport, store, conversations),
    timers,
    random,
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.network === undefined ? {} : { network: options.network }),
  });
  const requests = new AbortController();
  const connectionDomain = createConnectionDomain(connection.state, () => store.getSnapshot().offset);
  void connection.done.then(connectionDomain.close);

  return {
    store,
    connection: connection.state,
    domains: { conversations, connection: connectionDomain.dispatcher },
    closed: connection.done,
    create: (title) => transport.createConversation(title, requests.signal),
    rename: (conversationId, title) =>
      retry(() => transport.renameConversation(conversationId as ConversationId, title, requests.signal), {
        timers,
        random,
        signal: requests.signal,
        ...(options.sendAttempts === undefined ? {} : { attempts: options.sendAttempts }),
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      }),
    remove: (conversationId) => transport.deleteConversation(conversationId as ConversationId, requests.signal),
    close() {
      requests.abort();
      connection.close();
    },
  };
}

/**
 * The list as a stream target. The list endpoint answers with the account stream's offset
 * it was read at, so following resumes right after it. Any refused event (a gap) and any
 * `reset` refetch the whole list: it is small, and a refetch cannot leave it wrong.
 */
function listTarget(
  transport: Transport,
  store: ConversationListStore,
  domain: DomainFeed<AccountEvent>,
): StreamTarget {
  return {
    stream: { stream: 'account' },
    offset: () => store.getSnapshot().offset,
    async refetch(signal) {
      store.reset(await fetchConversationList(transport, signal));
      domain.resync('refetch');
    },
    apply(event) {
      if (event.stream !== 'account') return { advanced: false };
      const before = store.getSnapshot().offset;
      store.apply(event);
      const after = store.getSnapshot();
      if (after.resync !== undefined) return { advanced: false, end: 'refetch' };
      const advanced = after.offset > before;
      const claim = advanced ? conversationListDomain.claim(event) : undefined;
      if (claim !== undefined && 'event' in claim) domain.offer({ kind: 'event', event: claim.event });
      return { advanced };
    },
  };
}
