import type { IncomingEvent, Offset } from '@once/protocol';

/**
 * What the store did with one delivered event: `applied` (its offset is now the store's),
 * `duplicate` (at or before the store's offset: already held, ignored), `refused` (a gap:
 * the connection resumes or refetches).
 */
export type DeliveryOutcome = 'applied' | 'duplicate' | 'refused';

/** One event as it arrived on the wire, and what the store did with it. */
export interface Delivery {
  readonly event: IncomingEvent;
  readonly outcome: DeliveryOutcome;
}

/** One attempt to follow the stream: where it asked the server to start. */
export interface StreamResume {
  /** The offset sent (`?after=`): the server replays every event after it, then follows. */
  readonly afterOffset: Offset;
  /** The attempt fetched a fresh snapshot first (the first attempt, after a `reset` or a sequence gap). */
  readonly snapshot: boolean;
}

/** What a {@link DeliveryLog} holds now. A new object after each change. */
export interface DeliveryLogState {
  /** Events delivered for this conversation since it was opened. */
  readonly received: number;
  /** Of those, the ones the store applied. */
  readonly applied: number;
  /** Of those, the ones the store ignored as already held (duplicate deliveries). */
  readonly duplicates: number;
  /** Of those, the ones the store refused (a gap, which ends the attempt). */
  readonly refused: number;
  /** The most recent deliveries, oldest first; at most the log's limit. */
  readonly recent: readonly Delivery[];
  /** Deliveries received before `recent` and no longer kept. */
  readonly earlier: number;
  /** Each attempt's starting point, oldest first; at most the log's limit. */
  readonly resumes: readonly StreamResume[];
  /** Attempts made before `resumes` and no longer kept. */
  readonly earlierResumes: number;
}

/**
 * A conversation's wire log: every event delivered to its store and what the store did
 * with it, and where each (re)connect started. Shaped for React's `useSyncExternalStore`.
 */
export interface DeliveryLog {
  getSnapshot(): DeliveryLogState;
  /** Registers a listener called after each change; returns the function that removes it. */
  subscribe(listener: () => void): () => void;
}

/** The writable side, kept by the conversation's stream target. */
export interface DeliveryRecorder extends DeliveryLog {
  delivered(event: IncomingEvent, outcome: DeliveryOutcome): void;
  following(afterOffset: Offset, snapshot: boolean): void;
}

/** How many recent deliveries (and resumes) a log keeps by default. */
export const DEFAULT_DELIVERY_LOG_LIMIT = 500;

/**
 * Creates a wire log that keeps the last `limit` deliveries and resumes. Recording costs a
 * few counter increments and one array slot per event; the state object a watcher reads is
 * built only when asked for after a change, so a log no one watches costs next to nothing.
 */
export function createDeliveryLog(limit = DEFAULT_DELIVERY_LOG_LIMIT): DeliveryRecorder {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`A delivery log keeps at least 1 item; got ${limit}.`);
  const counts = { received: 0, applied: 0, duplicates: 0, refused: 0 };
  const deliveries = createRing<Delivery>(limit);
  const resumes = createRing<StreamResume>(limit);
  const listeners = new Set<() => void>();
  let state: DeliveryLogState | undefined;

  const changed = () => {
    state = undefined;
    for (const listener of listeners) listener();
  };

  return {
    getSnapshot() {
      state ??= {
        ...counts,
        recent: deliveries.items(),
        earlier: deliveries.dropped(),
        resumes: resumes.items(),
        earlierResumes: resumes.dropped(),
      };
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    delivered(event, outcome) {
      counts.received += 1;
      if (outcome === 'applied') counts.applied += 1;
      else if (outcome === 'duplicate') counts.duplicates += 1;
      else counts.refused += 1;
      deliveries.push({ event, outcome });
      changed();
    },
    following(afterOffset, snapshot) {
      resumes.push({ afterOffset, snapshot });
      changed();
    },
  };
}

/** A fixed-size buffer that keeps the last `size` items pushed. */
function createRing<T>(size: number) {
  const slots: T[] = [];
  let pushed = 0;
  return {
    push(item: T) {
      slots[pushed % size] = item;
      pushed += 1;
    },
    /** The kept items, oldest first. */
    items(): T[] {
      if (pushed <= size) return slots.slice();
      const start = pushed % size;
      return [...slots.slice(start), ...slots.slice(0, start)];
    },
    dropped: () => Math.max(0, pushed - size),
  };
}
