import { type EventLog, type StoredEntry, type StreamKey, streamId } from '@once/log';
import type { Offset } from '@once/protocol';
import { eventFrame } from '../event-stream/sse-frames.ts';

/** A committed event with its SSE frame, built once and shared by every subscriber. */
export interface FeedEntry {
  readonly offset: number;
  /** The envelope's JSON text, as stored. */
  readonly json: string;
  readonly frame: string;
  /**
   * The event's short frame in the compact form, once a compact stream asked for it
   * (`event-stream/compact-frames.ts`): null when it travels in full. Its short frame
   * depends only on the event before it in the stream, so every subscriber shares it.
   */
  compactFrame: string | null | undefined;
}

/** Options of {@link createEventFeed}. */
export interface EventFeedOptions {
  /** Recent events kept in memory per watched stream. Default 4096. */
  readonly recentEvents?: number;
  /** Events read from the log per page when refilling. Default 1000. */
  readonly pageSize?: number;
}

/**
 * A reader following a stream live. It is its own wake-up: the feed keeps the reader
 * itself (no promise, no closure), because idle live readers are the daemon's largest
 * memory cost.
 */
export interface FeedReader {
  /** The offset of the last event the reader has. */
  readonly cursor: number;
  /** Called once after {@link EventFeed.waitForCommit} returned false, when there is more to read. */
  wake(): void;
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
  /**
   * True when memory already holds an event after the reader's cursor. Otherwise false,
   * and the feed calls `reader.wake()` once it does, or once nobody watches the stream
   * any more. The stream must be watched.
   */
  waitForCommit(stream: StreamKey, reader: FeedReader): boolean;
  /** Keeps the stream's recent events in memory until as many {@link unwatch} calls. */
  watch(stream: StreamKey): void;
  /** Undoes one {@link watch}, and forgets `reader` if it was waiting. Call once per watch. */
  unwatch(stream: StreamKey, reader?: FeedReader): void;
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
  waiters: Set<FeedReader>;
}

export function toFeedEntry({ offset, type, json }: StoredEntry): FeedEntry {
  return { offset, json, frame: eventFrame(offset, type, json), compactFrame: undefined };
}

export function createEventFeed(log: EventLog, options: EventFeedOptions = {}): EventFeed {
  const capacity = options.recentEvents ?? 4096;
  const pageSize = options.pageSize ?? 1000;
  const watched = new Map<string, Watched>();

  const wakeReaders = (state: Watched) => {
    for (const reader of state.waiters) {
      if (state.loaded > reader.cursor) {
        state.waiters.delete(reader);
        reader.wake();
      }
    }
  };
  // Nothing more will come for this memory: every waiting reader reads on its own (from the log).
  const wakeAll = (state: Watched) => {
    const readers = state.waiters;
    state.waiters = new Set();
    for (const reader of readers) reader.wake();
  };

  const refill = async (stream: StreamKey, state: Watched): Promise<void> => {
    while (state.loaded < state.announced) {
      const stored = await log.readEntries(stream, state.loaded as Offset, pageSize);
      if (stored.length === 0) break;
      for (const entry of stored) state.entries.push(toFeedEntry(entry));
      state.loaded = stored[stored.length - 1]?.offset ?? state.loaded;
      if (state.entries.length > capacity) state.entries.splice(0, state.entries.length - capacity);
    }
    wakeReaders(state);
  };

  // A read that failed (the log closed, a query failed) is not retried here: the waiting
  // readers wake and read on their own, meeting the error, and the next commit tries again.
  const readFailed = (state: Watched) => {
    state.refilling = undefined;
    wakeAll(state);
  };

  const scheduleRefill = (stream: StreamKey, state: Watched) => {
    if (state.refilling) return;
    state.refilling = refill(stream, state).then(
      () => {
        state.refilling = undefined;
        if (state.loaded < state.announced && watched.get(streamId(stream)) === state) scheduleRefill(stream, state);
      },
      () => readFailed(state),
    );
  };

  // The events of a commit go straight into memory when the notice carries them and they
  // follow what memory holds; otherwise they are read from the log.
  const take = (state: Watched, entries: readonly StoredEntry[] | undefined, head: number): boolean => {
    if (entries === undefined || state.refilling !== undefined || state.loaded !== state.announced) return false;
    if (entries[0]?.offset !== state.loaded + 1 || entries.at(-1)?.offset !== head) return false;
    for (const entry of entries) state.entries.push(toFeedEntry(entry));
    state.loaded = head;
    if (state.entries.length > capacity) state.entries.splice(0, state.entries.length - capacity);
    return true;
  };

  const stopListening = log.onCommit(({ stream, head, entries }) => {
    const state = watched.get(streamId(stream));
    if (state === undefined || head <= state.announced) return;
    const taken = take(state, entries, head);
    state.announced = head;
    if (taken) wakeReaders(state);
    else scheduleRefill(stream, state);
  });

  return {
    async read(stream, afterOffset, limit) {
      const state = watched.get(streamId(stream));
      const first = state?.entries[0]?.offset;
      if (state !== undefined && first !== undefined && afterOffset + 1 >= first && afterOffset < state.loaded) {
        const start = afterOffset + 1 - first;
        return state.entries.slice(start, start + limit);
      }
      // Caught up with every commit the log announced: nothing to read. Spares a query per
      // new live connection, which mostly arrives at the head.
      if (
        state !== undefined &&
        state.refilling === undefined &&
        afterOffset >= state.loaded &&
        state.loaded >= state.announced
      ) {
        return [];
      }
      const stored = await log.readEntries(stream, afterOffset, limit);
      return stored.map(toFeedEntry);
    },
    async head(stream) {
      return log.head(stream);
    },
    waitForCommit(stream, reader) {
      const state = watched.get(streamId(stream));
      if (state === undefined) throw new Error('waitForCommit needs the stream to be watched first.');
      if (state.loaded > reader.cursor) return true;
      state.waiters.add(reader);
      return false;
    },
    watch(stream) {
      const key = streamId(stream);
      let state = watched.get(key);
      if (state === undefined) {
        state = { watchers: 0, entries: [], loaded: 0, announced: 0, refilling: undefined, waiters: new Set() };
        watched.set(key, state);
        // Start from the current head: older events are read from the log.
        const fresh = state;
        fresh.refilling = log.head(stream).then(
          (head) => {
            if (fresh.loaded === 0 && fresh.entries.length === 0) fresh.loaded = Math.max(fresh.loaded, head);
            fresh.announced = Math.max(fresh.announced, head);
            fresh.refilling = undefined;
            if (fresh.loaded < fresh.announced) scheduleRefill(stream, fresh);
            wakeReaders(fresh);
          },
          () => readFailed(fresh),
        );
      }
      state.watchers += 1;
    },
    unwatch(stream, reader) {
      const key = streamId(stream);
      const state = watched.get(key);
      if (state === undefined) return;
      if (reader !== undefined) state.waiters.delete(reader);
      state.watchers -= 1;
      if (state.watchers === 0) {
        watched.delete(key);
        wakeAll(state);
      }
    },
    close() {
      stopListening();
      for (const state of watched.values()) wakeAll(state);
      watched.clear();
    },
  };
}
