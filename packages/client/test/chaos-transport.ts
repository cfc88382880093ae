import type { IncomingEvent } from '@once/protocol';
import type { Transport, TransportItem } from '../src/transport.ts';

/** How often each fault strikes, per event delivered. */
export interface ChaosOptions {
  /** Chance that the socket is cut (its fetch aborted) after an event. */
  readonly cutChance: number;
  /** Chance that an event already delivered on this client is delivered again after this one. */
  readonly duplicateChance: number;
  /**
   * Chance that an event is lost on the way, as a buggy proxy might lose it; the client
   * must notice the hole and fetch it again — from the next event's offset, or, when
   * the lost one was the last for a while, from the heartbeat naming what was sent.
   * Default 0.
   */
  readonly dropChance?: number;
  /** Events lost the first time they are delivered, whatever the dice say. */
  readonly dropFirstDelivery?: (event: IncomingEvent) => boolean;
  /** Draws in [0, 1), seeded so a failing run repeats. */
  readonly random: () => number;
}

/** A transport that misbehaves the way networks and buggy proxies do. */
export interface ChaosTransport extends Transport {
  /** How many event streams were opened, cuts made, duplicates delivered and events lost. */
  readonly counts: { streams: number; cuts: number; duplicates: number; drops: number };
}

/** Wraps `inner`: cuts its event streams at random and replays earlier events. */
export function createChaosTransport(inner: Transport, options: ChaosOptions): ChaosTransport {
  const counts = { streams: 0, cuts: 0, duplicates: 0, drops: 0 };
  // Offsets of the one stream a test follows whose first delivery was lost on purpose.
  const droppedOnce = new Set<number>();
  const delivered: IncomingEvent[] = [];
  return {
    counts,
    snapshot: (conversationId, signal) => inner.snapshot(conversationId, signal),
    send: (conversationId, input, signal) => inner.send(conversationId, input, signal),
    cancel: (conversationId, signal) => inner.cancel(conversationId, signal),
    decide: (conversationId, toolUseId, decision, signal) => inner.decide(conversationId, toolUseId, decision, signal),
    listConversations: (cursor, signal) => inner.listConversations(cursor, signal),
    createConversation: (title, signal) => inner.createConversation(title, signal),
    renameConversation: (conversationId, title, signal) => inner.renameConversation(conversationId, title, signal),
    deleteConversation: (conversationId, signal) => inner.deleteConversation(conversationId, signal),
    async *events(stream, afterOffset, signal): AsyncGenerator<TransportItem> {
      counts.streams += 1;
      const socket = new AbortController();
      for await (const read of inner.events(stream, afterOffset, AbortSignal.any([signal, socket.signal]))) {
        // A run of events (an `events` item) is dealt with event by event, so that each can
        // be lost, repeated or followed by a cut as if it had come alone.
        const items: readonly TransportItem[] =
          read.kind === 'events' ? read.events.map((event) => ({ kind: 'event', event })) : [read];
        for (const item of items) {
          if (socket.signal.aborted) break;
          let lost = false;
          if (item.kind === 'event') {
            if (options.dropFirstDelivery?.(item.event) === true && !droppedOnce.has(item.event.offset)) {
              droppedOnce.add(item.event.offset);
              lost = true;
            } else {
              lost = options.random() < (options.dropChance ?? 0);
            }
          }
          if (lost) {
            counts.drops += 1;
            continue;
          }
          yield item;
          if (item.kind !== 'event') continue;
          delivered.push(item.event);
          if (options.random() < options.duplicateChance) {
            const index = Math.floor(options.random() * delivered.length);
            const again = delivered[index];
            counts.duplicates += 1;
            if (again !== undefined) yield { kind: 'event', event: again };
          }
          if (options.random() < options.cutChance) {
            counts.cuts += 1;
            socket.abort(new Error('chaos: the socket was cut'));
          }
        }
      }
    },
  };
}
