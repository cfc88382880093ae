// An in-process transport for the client bench: replays a recorded stream, then stays live.
import type { Transport, TransportItem } from '@once/client';
import type { ConversationId, IncomingEvent, Offset } from '@once/protocol';

/** How the replay transport hands its items over. */
export type Replay = 'iterator' | 'generator';

/**
 * An in-process transport that replays `events` after the requested offset, then stays live
 * until aborted. With `batch` 1 it hands over one `event` item per event; with more, one
 * `events` item per `batch` events, as an SSE reader hands over what one read of the body held.
 *
 * `iterator` (the default) is an async iterator written by hand, as the HTTP transport's
 * `readSseItems` is (decision 028): one settled promise, one result and one item object per
 * item, the least the `AsyncIterable` contract costs. `generator` is an async generator, as
 * this bench had it until decision 032: its own promises and resumptions (two microtask turns
 * an item) cost about as much as the store's apply, whoever consumes it.
 */
export function replayTransport(
  conversationId: ConversationId,
  events: readonly IncomingEvent[],
  batch = 1,
  replay: Replay = 'iterator',
): Transport {
  const refuse = () => Promise.reject(new Error('the replay transport only serves events'));
  return {
    snapshot: async () => ({
      conversationId,
      offset: 0 as Offset,
      messages: [],
      activity: { phase: 'idle' },
      pendingApprovals: [],
    }),
    events: (_stream, afterOffset, signal) =>
      replay === 'iterator'
        ? replayIterator(events, afterOffset, batch, signal)
        : replayGenerator(events, afterOffset, batch, signal),
    send: refuse,
    cancel: refuse,
    decide: refuse,
    listConversations: refuse,
    createConversation: refuse,
    renameConversation: refuse,
    deleteConversation: refuse,
  };
}

/** The replay as an async iterator written by hand: each item made when asked for, in a settled promise. */
function replayIterator(
  events: readonly IncomingEvent[],
  afterOffset: number,
  batch: number,
  signal: AbortSignal,
): AsyncIterableIterator<TransportItem> {
  let next = afterOffset;
  let readySent = false;
  let live: Promise<IteratorResult<TransportItem>> | undefined;
  return {
    next() {
      if (next < events.length) {
        const start = next;
        next = Math.min(events.length, start + batch);
        const value: TransportItem =
          batch === 1
            ? { kind: 'event', event: events[start] as IncomingEvent }
            : { kind: 'events', events: events.slice(start, next) };
        return Promise.resolve({ done: false, value });
      }
      if (!readySent) {
        readySent = true;
        return Promise.resolve({ done: false, value: { kind: 'ready', offset: events.length as Offset } });
      }
      // Live from here: nothing more to send until the client hangs up.
      live ??= new Promise((_resolve, reject) => {
        if (signal.aborted) reject(signal.reason);
        else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      return live;
    },
    return: () => Promise.resolve({ done: true, value: undefined }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** The same replay as an async generator. */
async function* replayGenerator(
  events: readonly IncomingEvent[],
  afterOffset: number,
  batch: number,
  signal: AbortSignal,
): AsyncGenerator<TransportItem> {
  if (batch === 1) for (const event of events.slice(afterOffset)) yield { kind: 'event', event };
  else {
    for (let start = afterOffset; start < events.length; start += batch) {
      yield { kind: 'events', events: events.slice(start, start + batch) };
    }
  }
  yield { kind: 'ready', offset: events.length as Offset };
  if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  throw signal.reason;
}
