import type { ConversationState, MessageStore } from '@once/core';
import { type IncomingEvent, isKnownEvent } from '@once/protocol';
import type { AppDomain, AppEvent } from './app-domain.ts';
import { type ApprovalDomainEvent, type ApprovalDomainState, approvalDomain } from './approval-domain.ts';
import { createDomainDispatcher, type DomainDispatcher, type DomainFeed } from './create-domain-dispatcher.ts';
import type { DomainDefinition } from './domain-definition.ts';
import { type MessageDomainEvent, type MessageDomainState, messageDomain } from './message-domain.ts';
import { type TurnDomainEvent, type TurnDomainState, turnDomain } from './turn-domain.ts';
import { type UsageDomainEvent, type UsageDomainState, usageDomain } from './usage-domain.ts';

/** The domains of a conversation's events; each has its own subscriptions and buffers. */
export interface ConversationEventDomains {
  /** Messages and blocks, and the current path's leaf. */
  readonly message: DomainDispatcher<MessageDomainState, MessageDomainEvent>;
  /** The running turn and the assistant's activity. */
  readonly turn: DomainDispatcher<TurnDomainState, TurnDomainEvent>;
  /** Tool calls waiting for approval. */
  readonly approval: DomainDispatcher<ApprovalDomainState, ApprovalDomainEvent>;
  /** Token usage. */
  readonly usage: DomainDispatcher<UsageDomainState, UsageDomainEvent>;
}

/** The conversation client's side of its domains: fed after the store, read by consumers. */
export interface ConversationDomainHub {
  readonly domains: ConversationEventDomains;
  /** The dispatcher of an app domain given when the conversation was opened. */
  appDomain<Data, State>(domain: AppDomain<Data, State>): DomainDispatcher<State, AppEvent<Data>>;
  /** Call after the store accepted `event` (its offset is now the store's). */
  accepted(event: IncomingEvent): void;
  /** Call after the store was put onto a fresh start state; app domains start again from theirs. */
  restarted(): void;
}

type Dispatcher<State, Event> = DomainDispatcher<State, Event> & DomainFeed<Event>;

interface AppEntry {
  state: unknown;
  readonly domain: AppDomain<unknown, unknown>;
  readonly dispatcher: Dispatcher<unknown, AppEvent<unknown>>;
}

/**
 * Creates the domains of one conversation. Every event reaches them only after the store
 * accepted it, so a resync read from the store at any moment covers exactly the events
 * offered before it. App domains are folded here, from the stream's first event: the
 * conversation client replays the stream from the start when it has app domains.
 */
export function createConversationDomains(
  store: MessageStore,
  appDomains: readonly AppDomain<unknown, unknown>[] = [],
): ConversationDomainHub {
  const offset = () => store.getSnapshot().offset;
  // Built-in domains with a consumer now. Most conversations have none (a UI reads the
  // store): then an accepted event is offered nowhere, at the cost of one comparison.
  let watched = 0;
  const watch = (now: boolean) => {
    watched += now ? 1 : -1;
  };
  /** A domain read from the store, and the function that offers it the events it claims. */
  const fromStore = <State, Event>(definition: DomainDefinition<ConversationState, State, Event>) => {
    const dispatcher = createDomainDispatcher<State, Event>({
      name: definition.name,
      current: () => {
        const state = store.getSnapshot();
        return { state: definition.project(state), offset: state.offset };
      },
      fold: definition.fold,
      watched: watch,
    });
    const route = (event: IncomingEvent) => {
      // Most conversations have no consumer on most domains: claiming costs an object per event.
      if (!dispatcher.hasSubscribers()) return;
      const claim = definition.claim(event);
      if (claim !== undefined && 'event' in claim) dispatcher.offer({ kind: 'event', event: claim.event });
    };
    return { dispatcher, route };
  };
  const message = fromStore(messageDomain);
  const turn = fromStore(turnDomain);
  const approval = fromStore(approvalDomain);
  const usage = fromStore(usageDomain);
  const builtIn = [message, turn, approval, usage];

  const apps = new Map<AppDomain<unknown, unknown>, AppEntry>();
  for (const domain of appDomains) {
    const entry: AppEntry = {
      state: domain.initial,
      domain,
      dispatcher: createDomainDispatcher({
        name: domain.name,
        current: () => ({ state: entry.state, offset: offset() }),
        fold: domain.fold,
      }),
    };
    apps.set(domain, entry);
  }

  return {
    domains: {
      message: message.dispatcher,
      turn: turn.dispatcher,
      approval: approval.dispatcher,
      usage: usage.dispatcher,
    },
    appDomain<Data, State>(domain: AppDomain<Data, State>) {
      const entry = apps.get(domain as unknown as AppDomain<unknown, unknown>);
      if (entry === undefined) {
        throw new Error(`App domain ${domain.name} was not given when the conversation was opened (appDomains).`);
      }
      return entry.dispatcher as unknown as DomainDispatcher<State, AppEvent<Data>>;
    },
    accepted(event) {
      if (watched > 0) for (const { route } of builtIn) route(event);
      // Most conversations have no app domain: skip making an iterator per event for none.
      if (apps.size === 0) return;
      for (const entry of apps.values()) {
        const claim = entry.domain.claim(event);
        if (claim === undefined || isKnownEvent(event)) continue;
        if ('event' in claim) {
          entry.state = entry.domain.fold(entry.state, claim.event);
          entry.dispatcher.offer({ kind: 'event', event: claim.event });
        } else {
          entry.dispatcher.offer({ kind: 'rejected', event, error: claim.rejected });
        }
      }
    },
    restarted() {
      for (const { dispatcher } of builtIn) dispatcher.resync('refetch');
      for (const entry of apps.values()) {
        entry.state = entry.domain.initial;
        entry.dispatcher.resync('refetch');
      }
    },
  };
}
