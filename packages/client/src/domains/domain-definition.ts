import type { IncomingEvent, OnceError } from '@once/protocol';

/** What a domain makes of an incoming event: its own typed event, a refusal, or nothing. */
export type DomainClaim<Event> =
  | { readonly event: Event }
  | { readonly rejected: OnceError }
  /** Not this domain's event. */
  | undefined;

/**
 * A domain: the slice of a stream's state one kind of consumer cares about, the events
 * that change it, and how they fold. Pure; the dispatcher feeds it.
 *
 * `fold(project(before), event)` must equal `project(after)` for every event the store
 * accepts and the domain claims: that is what makes a consumer's own fold exact.
 */
export interface DomainDefinition<Source, State, Event> {
  /** A short name for errors and logs, e.g. `message`. */
  readonly name: string;
  /** The domain's part of the source's state: what a resync carries. */
  project(source: Source): State;
  /** The domain's typed form of `event`, or undefined when the event is not the domain's. */
  claim(event: IncomingEvent): DomainClaim<Event>;
  /** Folds one of the domain's events into its state, exactly as the store does. */
  fold(state: State, event: Event): State;
}
