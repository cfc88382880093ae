import type { EventLog, StoredEntry, StreamKey } from '@once/log';
import type { Offset } from '@once/protocol';

import { type FeedEntry, feedEntryBytes, toFeedEntry } from './feed-entry.ts';
import { StreamMap } from './stream-map.ts';

/** Options of {@link createEventFeed}. */
export interface EventFeedOptions {
  /**
   * Bytes of recent events kept in memory per watched stream, the oldest let go first.
   * Default 1 MiB (about 1,700 text deltas: a long answer). A reader further behind
   * reads from the log.
   */
  readonly recentBytes?: number;
  /**
   * Bytes of recent events kept in memory for all watched streams together: past it, the
   * oldest events of the streams that committed least recently are let go first. Default
   * 32 MiB (with 100 conversations streaming at once, about 550 events each).
   */
  readonly totalRecentBytes?: number;
  /** Events read from the log per page when refilling. Default 1000. */
  readonly pageSize?: number;
}

/** Default of {@link EventFeedOptions.recentBytes}: 1 MiB. */
export const DEFAULT_RECENT_BYTES = 2 ** 20;
/** Default of {@link EventFeedOptions.totalRecentBytes}: 32 MiB. */
export const DEFAULT_TOTAL_RECENT_BYTES = 32 * 2 ** 20;
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
 * memory (within a budget in bytes per stream and one for all streams, see
 * {@link EventFeedOptions}), and wakes the readers waiting on that stream; a reader
 * further behind reads from the log. Readers pull at their own pace, so a slow one holds no queue here.
 */
export interface EventFeed {
  /** Events after `afterOffset` in offset order: from memory when recent, else from the log. */
  read(stream: StreamKey, afterOffset: Offset, limit: number): Promise<readonly FeedEntry[]>;
  /**
   * What {@link read} answers when memory can answer it, without waiting: the recent events
   * after `afterOffset` (none when the reader is caught up with every commit); undefined
   * when they must be read from the log. A live reader takes each commit this way, with no
   * promise per wake-up.
   */
  readRecent(stream: StreamKey, afterOffset: Offset, limit: number): readonly FeedEntry[] | undefined;
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
  /** Bytes of recent events held in memory now, for every watched stream (see {@link feedEntryBytes}). */
  retainedBytes(): number;
  /** Stops listening to the log. */
  close(): void;
}

interface Watched {
  watchers: number;
  /** Contiguous recent events; `entries[i].offset === first + i`. */
  entries: FeedEntry[];
  /** What `entries` cost, by {@link feedEntryBytes}. */
  bytes: number;
  /** Offset this memory has read up to. */
  loaded: number;
  /** The head the log announced last. */
  announced: number;
  refilling: Promise<void> | undefined;
  waiters: Set<FeedReader>;
}

export function createEventFeed(log: EventLog, options: EventFeedOptions = {}): EventFeed {
  const streamBudget = options.recentBytes ?? DEFAULT_RECENT_BYTES;
  const totalBudget = options.totalRecentBytes ?? DEFAULT_TOTAL_RECENT_BYTES;
  const pageSize = options.pageSize ?? 1000;
  const watched = new StreamMap<Watched>();
  // The watched streams, the one that took events least recently first: the global budget
  // lets go of their events first, as the oldest.
  const byRecency = new Set<Watched>();
  let total = 0;

  /** Lets go of the stream's oldest events until it holds at most `budget` bytes. */
  const trim = (state: Watched, budget: number) => {
    let drop = 0;
    let freed = 0;
    while (state.bytes - freed > budget && drop < state.entries.length) {
      freed += feedEntryBytes(state.entries[drop] as FeedEntry);
      drop += 1;
    }
    if (drop === 0) return;
    state.entries.splice(0, drop);
    state.bytes -= freed;
    total -= freed;
    // Nothing left to let go of: the global budget's pass need not step over it.
    if (state.entries.length === 0) byRecency.delete(state);
  };

  /** Keeps committed events in the stream's memory, within both budgets. */
  const keep = (state: Watched, stored: readonly StoredEntry[]) => {
    for (const entry of stored) {
      const kept = toFeedEntry(entry);
      state.entries.push(kept);
      const bytes = feedEntryBytes(kept);
      state.bytes += bytes;
      total += bytes;
    }
    byRecency.delete(state);
    byRecency.add(state);
    trim(state, streamBudget);
    for (const oldest of byRecency) {
      if (total <= totalBudget) break;
      trim(oldest, Math.max(0, oldest.bytes - (total - totalBudget)));
    }
  };

  /** Lets go of all the stream's events: nobody watches it any more. */
  const forget = (state: Watched) => {
    total -= state.bytes;
    state.bytes = 0;
    state.entries = [];
    byRecency.delete(state);
  };

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
      // Nobody watches it any more: its memory is gone, and this page with it.
      if (watched.get(stream) !== state) break;
      keep(state, stored);
      state.loaded = stored[stored.length - 1]?.offset ?? state.loaded;
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
        if (state.loaded < state.announced && watched.get(stream) === state) scheduleRefill(stream, state);
      },
      () => readFailed(state),
    );
  };

  // The events of a commit go straight into memory when the notice carries them and they
  // follow what memory holds; otherwise they are read from the log.
  const take = (state: Watched, entries: readonly StoredEntry[] | undefined, head: number): boolean => {
    if (entries === undefined || state.refilling !== undefined || state.loaded !== state.announced) return false;
    if (entries[0]?.offset !== state.loaded + 1 || entries.at(-1)?.offset !== head) return false;
    keep(state, entries);
    state.loaded = head;
    return true;
  };

  const stopListening = log.onCommit(({ stream, head, entries }) => {
    const state = watched.get(stream);
    if (state === undefined || head <= state.announced) return;
    const taken = take(state, entries, head);
    state.announced = head;
    if (taken) wakeReaders(state);
    else scheduleRefill(stream, state);
  });

  const readRecent = (stream: StreamKey, afterOffset: Offset, limit: number): readonly FeedEntry[] | undefined => {
    const state = watched.get(stream);
    if (state === undefined) return undefined;
    const first = state.entries[0]?.offset;
    if (first !== undefined && afterOffset + 1 >= first && afterOffset < state.loaded) {
      const start = afterOffset + 1 - first;
      return state.entries.slice(start, start + limit);
    }
    // Caught up with every commit the log announced: nothing to read. Spares a query per
    // new live connection, which mostly arrives at the head.
    if (state.refilling === undefined && afterOffset >= state.loaded && state.loaded >= state.announced) return [];
    return undefined;
  };

  return {
    async read(stream, afterOffset, limit) {
      const recent = readRecent(stream, afterOffset, limit);
      if (recent !== undefined) return recent;
      const stored = await log.readEntries(stream, afterOffset, limit);
      return stored.map(toFeedEntry);
    },
    readRecent,
    async head(stream) {
      return log.head(stream);
    },
    waitForCommit(stream, reader) {
      const state = watched.get(stream);
      if (state === undefined) throw new Error('waitForCommit needs the stream to be watched first.');
      if (state.loaded > reader.cursor) return true;
      state.waiters.add(reader);
      return false;
    },
    watch(stream) {
      let state = watched.get(stream);
      if (state === undefined) {
        state = {
          watchers: 0,
          entries: [],
          bytes: 0,
          loaded: 0,
          announced: 0,
          refilling: undefined,
          waiters: new Set(),
        };
        watched.set(stream, state);
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
      const state = watched.get(stream);
      if (state === undefined) return;
      if (reader !== undefined) state.waiters.delete(reader);
      state.watchers -= 1;
      if (state.watchers === 0) {
        watched.delete(stream);
        forget(state);
        wakeAll(state);
      }
    },
    retainedBytes: () => total,
    close() {
      stopListening();
      for (const state of watched.values()) {
        forget(state);
        wakeAll(state);
      }
      watched.clear();
    },
  };
}
