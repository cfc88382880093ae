/**
 * The bounded buffer of one domain subscription, as counts: what waits for a consumer
 * that may be slower than the stream, and when it must be replaced by a resync. Pure; the
 * subscription keeps the queued entries themselves in the same order.
 *
 *                  offer, room left ──► queued + 1
 *                 ┌──────────────────┐
 *                 ▼                  │
 *   ┌────────────────────────┐  offer, full   ┌───────────────────────────────┐
 *   │ following              │ ─────────────► │ resyncing                     │
 *   │ queued ≤ capacity      │  resync(why)   │ queue discarded; each later   │
 *   │ take ► the oldest entry│ ─────────────► │ offer is only counted, since  │
 *   └────────────────────────┘                │ the resync state will hold it │
 *                 ▲                           └───────────────────────────────┘
 *                 └────── take ► one resync item (state read at that moment) ─┘
 *
 * A subscription starts in `resyncing` (reason `subscribed`): its first item is the
 * domain's state, then the events after it. Nothing is dropped: an entry is either
 * delivered or counted in the `replaced` of the resync that covers it.
 */

/**
 * Why a subscription receives a domain's whole state instead of the next event:
 * - `subscribed`: its first item, the state to fold the following events into;
 * - `overflow`: the consumer fell more than its buffer behind; the queue was replaced;
 * - `refetch`: the conversation's store was replaced by a fresh snapshot (after a gap,
 *   a `reset` or a refused event), so folding on from the old state would be wrong.
 */
export type ResyncReason = 'subscribed' | 'overflow' | 'refetch';

/** A resync the subscription owes its consumer. */
export interface PendingResync {
  readonly reason: ResyncReason;
  /** Entries that were queued or offered and will not be delivered one by one. */
  readonly replaced: number;
  /** How many of the `replaced` entries were events refused by the domain's schema. */
  readonly rejected: number;
}

/** The counts a subscription's buffer holds. */
export interface BufferState {
  /** Entries waiting, oldest first in the subscription's queue. */
  readonly queued: number;
  /** How many of the queued entries are refused events. */
  readonly queuedRejected: number;
  /** Set while the queue is replaced by a resync not yet taken. */
  readonly resync?: PendingResync;
}

/** What to do with an offered entry. */
export type OfferOutcome =
  /** Append it to the queue. */
  | 'queue'
  /** Forget it: the pending resync covers it. */
  | 'absorb'
  /** Discard the queue and forget it: a resync covers them all. */
  | 'overflow';

/** What the consumer receives next. */
export type TakeOutcome =
  | { readonly kind: 'resync'; readonly resync: PendingResync }
  | { readonly kind: 'entry' }
  | { readonly kind: 'none' };

/** The buffer of a new subscription: it owes its consumer the domain's state first. */
export function createBufferState(): BufferState {
  return { queued: 0, queuedRejected: 0, resync: { reason: 'subscribed', replaced: 0, rejected: 0 } };
}

/**
 * An entry arrives for the consumer.
 * @param capacity The most entries that may wait; at least 1.
 * @param rejected The entry reports an event the domain's schema refused.
 */
export function offerEntry(
  state: BufferState,
  capacity: number,
  rejected: boolean,
): { readonly state: BufferState; readonly outcome: OfferOutcome } {
  const refused = rejected ? 1 : 0;
  if (state.resync !== undefined) {
    const resync = {
      ...state.resync,
      replaced: state.resync.replaced + 1,
      rejected: state.resync.rejected + refused,
    };
    return { state: { ...state, resync }, outcome: 'absorb' };
  }
  if (state.queued < capacity) {
    return {
      state: { queued: state.queued + 1, queuedRejected: state.queuedRejected + refused },
      outcome: 'queue',
    };
  }
  const resync: PendingResync = {
    reason: 'overflow',
    replaced: state.queued + 1,
    rejected: state.queuedRejected + refused,
  };
  return { state: { queued: 0, queuedRejected: 0, resync }, outcome: 'overflow' };
}

/**
 * The domain's state was replaced under the consumer: the queue is discarded (the caller
 * empties it) and a resync is owed. A resync already owed keeps its reason, so an
 * overflow is never hidden behind a refetch.
 */
export function requireResync(state: BufferState, reason: ResyncReason): BufferState {
  const owed = state.resync ?? { reason, replaced: 0, rejected: 0 };
  return {
    queued: 0,
    queuedRejected: 0,
    resync: {
      reason: owed.reason,
      replaced: owed.replaced + state.queued,
      rejected: owed.rejected + state.queuedRejected,
    },
  };
}

/**
 * The consumer is ready for its next item: the owed resync first, else the oldest entry.
 * @param headRejected The oldest queued entry is a refused event.
 */
export function takeNext(
  state: BufferState,
  headRejected: boolean,
): { readonly state: BufferState; readonly next: TakeOutcome } {
  if (state.resync !== undefined) {
    return {
      state: { queued: state.queued, queuedRejected: state.queuedRejected },
      next: { kind: 'resync', resync: state.resync },
    };
  }
  if (state.queued === 0) return { state, next: { kind: 'none' } };
  return {
    state: { queued: state.queued - 1, queuedRejected: state.queuedRejected - (headRejected ? 1 : 0) },
    next: { kind: 'entry' },
  };
}
