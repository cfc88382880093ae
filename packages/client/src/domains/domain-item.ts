import type { Offset, OnceError, UnknownEvent } from '@once/protocol';
import type { ResyncReason } from './domain-buffer.ts';

/**
 * What a domain subscription's consumer receives, in order. Fold them with the domain's
 * `foldItem` (or your own equivalent): the state of the last `resync` plus every `event`
 * after it is always exactly the domain's state in the conversation's store.
 */
export type DomainItem<State, Event> = DomainResync<State> | DomainEvent<Event> | DomainRejection;

/**
 * The domain's whole state, to take instead of what was folded so far. The first item of
 * every subscription is one (`subscribed`); later ones say why the events before were
 * replaced: the consumer fell behind its buffer (`overflow`) or the store was replaced by
 * a fresh snapshot (`refetch`).
 */
export interface DomainResync<State> {
  readonly kind: 'resync';
  readonly reason: ResyncReason;
  /** The domain's exact state at `offset`, read from the store when this item was taken. */
  readonly state: State;
  /** The stream offset `state` was read at; every following `event` has a greater offset. */
  readonly offset: Offset;
  /** How many events this resync stands for instead of delivering them one by one. */
  readonly replaced: number;
  /** How many of the `replaced` events the domain's schema refused (app domains only). */
  readonly rejected: number;
}

/** One event of the domain, accepted by the store, in stream order. */
export interface DomainEvent<Event> {
  readonly kind: 'event';
  readonly event: Event;
}

/**
 * An event of a type an app domain claims whose data its schema refused. It changes no
 * state (the store ignores types it does not know); it is reported, never dropped quietly.
 */
export interface DomainRejection {
  readonly kind: 'rejected';
  readonly event: UnknownEvent;
  /** An `invalid_event` error naming the fields that are wrong. */
  readonly error: OnceError;
}

/** A domain's state and the offset it was read at. */
export interface DomainState<State> {
  readonly state: State;
  readonly offset: Offset;
}
