import type { Offset } from '@once/protocol';
import type { EventLog, StoredEntry, StreamKey } from '../log/event-log.ts';
import { eventFrame } from '../sse/sse-frames.ts';

/** A committed event with its SSE frame, built once and shared by every subscriber. */
export interface FeedEntry {
  readonly offset: number;
  /** The envelope's JSON text, as stored. */
  readonly json: string;
  readonly frame: string;
}

/** Options of {@link createEventFeed}. */
export interface EventFeedOptions {
  /** Recent events kept in memory per watched stream. Default 4096. */
  readonly recentEvents?: number;
  /** Events read from the log per page when refilling. Default 1000. */
  readonly pageSize?: number;
}

/**
 * Fans committed events out to many readers. For a stream someone watches, the feed
 * reads each commit from the log once, keeps the recent events with their SSE frames in
 * memory, and wakes the readers waiting on that stream; a reader further behind reads
 * from the log. Readers pull at their own pace, so a slow one holds no queue here.
 */
export interface EventFeed {
  /** Events after `afterOffset` in offset order: from memory when recent, else from the log. */
  read(stream: StreamKey, afterOffset: Offset, limit: number): Promise<readonly FeedEntry[]>;
  /** The stream's last committed offset. */
  head(stream: StreamKey): Promise<Offset>;
  /** Resolves once the stream's head passes `afterOffset` (and memory holds it), or the signal aborts. */
  waitForCommit(stream: StreamKey, afterOffset: Offset, signal: AbortSignal): Promise<void>;
  /** Keeps the stream's recent events in memory until the returned function is called. */
  watch(stream: StreamKey): () => void;
  /** Stops listening to the log. */
  close(): void;
}

interface Watched {
  watchers: number;
  /** Contiguous recent events; `entries[i].offset === first + i`. */
  entries: FeedEntry[];
  /** Offset this memory has read up to. */
  loaded: number;
  /** The head the log announced last. */
  announced: number;
  refilling: Promise<void> | undefined;
  waiters: Set<{ afterOffset: number; wake: () => void }>;
}

export function toFeedEntry({ offset, type, json }: StoredEntry): FeedEntry {
  return { offset, json, frame: eventFrame(offset, type, json) };
}

export function createEventFeed(log: EventLog, options: EventFeedOptions = {}): EventFeed {
  const capacity = options.recentEvents ?? 4096;
  const pageSize = options.pageSize ?? 1000;
  const watched = new Map<string, Watched>();
  const keyOf = (stream: StreamKey) =>
    stream.stream === 'conversation' ? `c:${stream.conversationId}` : `a:${stream.accountId}`;

  const refill = async (stream: StreamKey, state: Watched): Promise<void> => {
    while (state.loaded < state.announced) {
      const stored = await log.readEntries(stream, state.loaded as Offset, pageSize);
      if (stored.length === 0) break;
      for (const entry of stored) state.entries.push(toFeedEntry(entry));
      state.loaded = stored[stored.length - 1]?.offset ?? state.loaded;
      if (state.entries.length > capacity) state.entries.splice(0, state.entries.length - capacity);
    }
    for (const waiter of state.waiters) {
      if (state.loaded > waiter.afterOffset) waiter.wake();
    }
  };

  const scheduleRefill = (stream: StreamKey, state: Watched) => {
    if (state.refilling) return;
    state.refilling = refill(stream, state).finally(() => {
      state.refilling = undefined;
      if (state.loaded < state.announced && watched.get(keyOf(stream)) === state) scheduleRefill(stream, state);
    });
  };

  const stopListening = log.onCommit(({ stream, head }) => {
    const state = watched.get(keyOf(stream));
    if (state === undefined || head <= state.announced) return;
    state.announced = head;
    scheduleRefill(stream, state);
  });

  return {
    async read(stream, afterOffset, limit) {
      const state = watched.get(keyOf(stream));
      const first = state?.entries[0]?.offset;
      if (state !== undefined && first !== undefined && afterOffset + 1 >= first && afterOffset < state.loaded) {
        const start = afterOffset + 1 - first;
        return state.entries.slice(start, start + limit);
      }
      const stored = await log.readEntries(stream, afterOffset, limit);
      return stored.map(toFeedEntry);
    },
    async head(stream) {
      return log.head(stream);
    },
    waitForCommit(stream, afterOffset, signal) {
      const state = watched.get(keyOf(stream));
      if (state === undefined) throw new Error('waitForCommit needs the stream to be watched first.');
      if (state.loaded > afterOffset || signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const waiter = {
          afterOffset,
          wake: () => {
            state.waiters.delete(waiter);
            signal.removeEventListener('abort', waiter.wake);
            resolve();
          },
        };
        state.waiters.add(waiter);
        signal.addEventListener('abort', waiter.wake, { once: true });
      });
    },
    watch(stream) {
      const key = keyOf(stream);
      let state = watched.get(key);
      if (state === undefined) {
        state = { watchers: 0, entries: [], loaded: 0, announced: 0, refilling: undefined, waiters: new Set() };
        watched.set(key, state);
        // Start from the current head: older events are read from the log.
        const fresh = state;
        fresh.refilling = log.head(stream).then((head) => {
          if (fresh.loaded === 0 && fresh.entries.length === 0) fresh.loaded = Math.max(fresh.loaded, head);
          fresh.announced = Math.max(fresh.announced, head);
          fresh.refilling = undefined;
          if (fresh.loaded < fresh.announced) scheduleRefill(stream, fresh);
          for (const waiter of fresh.waiters) if (fresh.loaded > waiter.afterOffset) waiter.wake();
        });
      }
      state.watchers += 1;
      const watching = state;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        watching.watchers -= 1;
        if (watching.watchers === 0 && watched.get(key) === watching) {
          watched.delete(key);
          for (const waiter of watching.waiters) waiter.wake();
        }
      };
    },
    close() {
      stopListening();
      for (const state of watched.values()) for (const waiter of state.waiters) waiter.wake();
      watched.clear();
    },
  };
}
