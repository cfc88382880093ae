import type { MessageStore } from '@once/core';
import type { ConversationSnapshot, IncomingEvent, Offset } from '@once/protocol';
import type { DeliveryRecorder } from './delivery-log.ts';
import type { ApplyOutcome, StreamTarget } from './stream-target.ts';
import type { Transport } from './transport.ts';

/** Options of {@link conversationTarget}. */
export interface ConversationTargetOptions {
  /**
   * Where the store starts (at first, and again after a `reset` or a refused event):
   * `snapshot` fetches the server's snapshot and follows the events after it; `replay`
   * empties the store and follows the stream from its first event, for folds the
   * snapshot does not hold (app domains). Default `snapshot`.
   */
  readonly start?: 'snapshot' | 'replay';
  /**
   * Where a `snapshot` start comes from. Default: the whole snapshot
   * (`transport.snapshot`); a conversation opened with pages passes its latest page.
   */
  readonly fetchSnapshot?: (signal: AbortSignal) => Promise<ConversationSnapshot>;
  /** Told of every event the store accepted, and of every new start state. */
  readonly observer?: StoreObserver;
  /** Told of every event delivered for this conversation and of where each attempt starts. */
  readonly deliveries?: DeliveryRecorder;
}

/** Follows what a conversation's store accepts. */
export interface StoreObserver {
  /** The store accepted `event`: its offset is now the store's. */
  accepted(event: IncomingEvent): void;
  /** The store was put onto a fresh start state. */
  restarted(): void;
}

// The two outcomes of an event that ends nothing, shared: one is returned per event.
const ADVANCED: ApplyOutcome = Object.freeze({ advanced: true });
const UNCHANGED: ApplyOutcome = Object.freeze({ advanced: false });

/** A conversation's store as a {@link StreamTarget}: its snapshot is the start state. */
export function conversationTarget(
  transport: Transport,
  store: MessageStore,
  options: ConversationTargetOptions = {},
): StreamTarget {
  const conversationId = store.getSnapshot().conversationId;
  const { observer, deliveries } = options;
  const fetchSnapshot = options.fetchSnapshot ?? ((signal: AbortSignal) => transport.snapshot(conversationId, signal));
  let refetched = false;
  return {
    stream: { stream: 'conversation', conversationId },
    offset: (): Offset => store.getSnapshot().offset,
    async refetch(signal) {
      store.reset(
        options.start === 'replay'
          ? { conversationId, offset: 0 as Offset, messages: [], activity: { phase: 'idle' }, pendingApprovals: [] }
          : await fetchSnapshot(signal),
      );
      observer?.restarted();
      refetched = true;
    },
    following(afterOffset) {
      deliveries?.following(afterOffset, refetched);
      refetched = false;
    },
    apply(event) {
      // Another stream's event changes nothing (the reducer ignores it); it must not be
      // mistaken for a refused one below.
      if (event.stream !== 'conversation' || event.conversationId !== conversationId) return UNCHANGED;
      const before = store.getSnapshot().offset;
      store.apply(event);
      const after = store.getSnapshot();
      const advanced = after.offset > before;
      if (advanced) observer?.accepted(event);
      const refused = after.resync !== undefined && event.offset > after.offset;
      deliveries?.delivered(event, advanced ? 'applied' : refused ? 'refused' : 'duplicate');
      if (!refused) return advanced ? ADVANCED : UNCHANGED;
      // Refused. The reducer keeps its first refusal, so decide from this event's offset by
      // its rule: the next offset refused means its seq skips (the stream cannot repair
      // that: refetch); a later offset means events are missing (resume after ours).
      return { advanced, end: event.offset === after.offset + 1 ? 'refetch' : 'resume' };
    },
  };
}
