import type { OnceError, UnknownEvent } from '@once/protocol';
import { createBufferState, offerEntry, type ResyncReason, requireResync, takeNext } from './domain-buffer.ts';
import type { DomainItem, DomainState } from './domain-item.ts';

/** Items a subscription's buffer holds by default before it is replaced by a resync. */
export const DEFAULT_BUFFER_SIZE = 1024;

/** Options of {@link DomainDispatcher.subscribe}. */
export interface DomainSubscribeOptions {
  /**
   * How many items may wait while the consumer is busy, counted in items (events). One more
   * and the waiting items are discarded and replaced by a single `resync` carrying the
   * domain's state. An integer ≥ 1; default {@link DEFAULT_BUFFER_SIZE} (1,024).
   */
  readonly bufferSize?: number;
  /**
   * Called when the consumer throws or its promise rejects; delivery goes on with the next
   * item. Default: the error is thrown again in a microtask (an uncaught error).
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * Receives a domain's items one at a time: the next comes once the returned promise (if
 * any) settles. A slow consumer is never given a partial view: see {@link DomainItem}.
 */
export type DomainConsumer<State, Event> = (item: DomainItem<State, Event>) => void | Promise<void>;

/** One consumer's subscription to a domain. */
export interface DomainSubscription {
  /** Stops delivery; items still waiting are discarded. Safe to call twice. */
  unsubscribe(): void;
  /** Settles once the consumer has handled every item offered so far. */
  settled(): Promise<void>;
}

/**
 * One domain of a stream: subscribe to its events with a bounded buffer, read its state,
 * and fold its items. Nothing is ever dropped silently: a consumer that falls behind its
 * buffer receives the domain's exact state (a `resync`) and the events after it.
 */
export interface DomainDispatcher<State, Event> {
  /** The domain's name, e.g. `message`. */
  readonly name: string;
  /** Delivers the domain's items to `consumer`, starting with its state (a `subscribed` resync). */
  subscribe(consumer: DomainConsumer<State, Event>, options?: DomainSubscribeOptions): DomainSubscription;
  /** The domain's state now, as the store holds it, and the offset it holds it at. */
  current(): DomainState<State>;
  /**
   * Folds one delivered item: a resync replaces the state, an event is folded in, a
   * rejection changes nothing. Starting from `undefined`, the first item must be a resync.
   */
  foldItem(state: State | undefined, item: DomainItem<State, Event>): State;
}

/** An item as the stream produces it, before the buffer. */
export type DomainEntry<Event> =
  | { readonly kind: 'event'; readonly event: Event }
  | { readonly kind: 'rejected'; readonly event: UnknownEvent; readonly error: OnceError };

/** The side of a dispatcher its stream feeds. */
export interface DomainFeed<Event> {
  /** An event the store accepted (or an app event refused by its schema). */
  offer(entry: DomainEntry<Event>): void;
  /** The state was replaced under every consumer; each receives a resync next. */
  resync(reason: ResyncReason): void;
  /**
   * Whether any consumer is subscribed now. An event offered to none goes nowhere (a
   * consumer that subscribes later starts from a resync), so a feed may skip claiming it.
   */
  hasSubscribers(): boolean;
}

/** How a dispatcher reads and folds its domain. */
export interface DomainDispatcherOptions<State, Event> {
  readonly name: string;
  current(): DomainState<State>;
  fold(state: State, event: Event): State;
  /**
   * Told when the dispatcher gains its first consumer (`true`) or loses its last (`false`),
   * so a feed can skip offering events while no one listens. Optional.
   */
  watched?(watched: boolean): void;
}

interface Subscriber<Event> {
  offer(entry: DomainEntry<Event>): void;
  resync(reason: ResyncReason): void;
}

/** Creates a domain's dispatcher; the stream side feeds it through {@link DomainFeed}. */
export function createDomainDispatcher<State, Event>(
  options: DomainDispatcherOptions<State, Event>,
): DomainDispatcher<State, Event> & DomainFeed<Event> {
  const subscribers = new Set<Subscriber<Event>>();
  return {
    name: options.name,
    current: options.current,
    foldItem(state, item) {
      switch (item.kind) {
        case 'resync':
          return item.state;
        case 'event':
          if (state === undefined) throw new Error(`The first ${options.name} item to fold must be a resync.`);
          return options.fold(state, item.event);
        case 'rejected':
          if (state === undefined) throw new Error(`The first ${options.name} item to fold must be a resync.`);
          return state;
      }
    },
    subscribe(consumer, subscribeOptions = {}) {
      const subscriber = subscribe(options, consumer, subscribeOptions, () => {
        if (subscribers.delete(subscriber) && subscribers.size === 0) options.watched?.(false);
      });
      subscribers.add(subscriber);
      if (subscribers.size === 1) options.watched?.(true);
      return subscriber;
    },
    offer(entry) {
      for (const subscriber of subscribers) subscriber.offer(entry);
    },
    resync(reason) {
      for (const subscriber of subscribers) subscriber.resync(reason);
    },
    hasSubscribers: () => subscribers.size > 0,
  };
}

function subscribe<State, Event>(
  domain: DomainDispatcherOptions<State, Event>,
  consumer: DomainConsumer<State, Event>,
  options: DomainSubscribeOptions,
  remove: () => void,
): Subscriber<Event> & DomainSubscription {
  const capacity = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`bufferSize must be an integer of at least 1; got ${capacity}.`);
  }
  const report = options.onError ?? rethrowLater;
  let buffer = createBufferState();
  const queue: DomainEntry<Event>[] = [];
  let draining = false;
  let stopped = false;
  let waiters: (() => void)[] = [];

  const next = (): DomainItem<State, Event> | undefined => {
    const taken = takeNext(buffer, queue[0]?.kind === 'rejected');
    buffer = taken.state;
    switch (taken.next.kind) {
      case 'none':
        return undefined;
      case 'entry':
        return queue.shift();
      case 'resync': {
        // Read now, not when the resync was owed: everything offered until now is in it.
        const { state, offset } = domain.current();
        return { kind: 'resync', ...taken.next.resync, state, offset };
      }
    }
  };

  const finish = () => {
    draining = false;
    const settled = waiters;
    waiters = [];
    for (const resolve of settled) resolve();
  };

  /**
   * Hands over the items waiting, one at a time. A consumer that returns no promise gets
   * the next item at once; one that returns a promise gets it once that settles. (An
   * `await` on every result cost each event a promise and a microtask turn.)
   */
  const drain = (): void => {
    let waiting = false;
    try {
      while (!stopped) {
        const item = next();
        if (item === undefined) break;
        let result: void | Promise<void>;
        try {
          result = consumer(item);
        } catch (error) {
          report(error);
          continue;
        }
        if (isThenable(result)) {
          waiting = true;
          Promise.resolve(result).then(drain, (error: unknown) => {
            try {
              report(error);
            } finally {
              drain();
            }
          });
          return;
        }
      }
    } finally {
      if (!waiting) finish();
    }
  };

  const schedule = () => {
    if (draining || stopped) return;
    draining = true;
    // A settled promise's reaction, not `queueMicrotask`: Node's makes an async resource
    // and a bound function for each call, which cost as much as the rest of the dispatch.
    settledPromise.then(drain);
  };

  schedule();
  return {
    offer(entry) {
      if (stopped) return;
      const offered = offerEntry(buffer, capacity, entry.kind === 'rejected');
      buffer = offered.state;
      if (offered.outcome === 'queue') queue.push(entry);
      else if (offered.outcome === 'overflow') queue.length = 0;
      schedule();
    },
    resync(reason) {
      if (stopped) return;
      buffer = requireResync(buffer, reason);
      queue.length = 0;
      schedule();
    },
    unsubscribe() {
      stopped = true;
      queue.length = 0;
      remove();
    },
    settled: () => (draining ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve()),
  };
}

const settledPromise = Promise.resolve();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
