import { type ConversationState, createConversationState, type ResyncNeeded, reduceAll } from '@once/core';
import type { CommitNotice, EventLog, SnapshotStore, StoredEvent } from '@once/log';
import type { ConversationId, IncomingEvent, Offset } from '@once/protocol';
import { fromStoredSnapshot } from './snapshot-record.ts';

/**
 * Each conversation's state folded by the core reducer — the snapshot history serves —
 * kept in memory for the most recently used conversations and brought up to date from
 * the log on every read, so a snapshot is consistent at exactly its offset and a long
 * conversation is not folded again per request. A conversation not in memory starts from
 * its stored snapshot, when there is a usable one, and folds only the events after it.
 */
export interface ConversationStates {
  /** The state up to the log's current head. */
  current(conversationId: ConversationId): Promise<ConversationState>;
  /** Forgets a conversation (after it was deleted). */
  forget(conversationId: ConversationId): void;
  /** Stops following the log's commits (see {@link ConversationStatesOptions.followCommits}). */
  close(): void;
}

/** Options of {@link createConversationStates}. */
export interface ConversationStatesOptions {
  /** Conversations kept in memory. Default 1000. */
  readonly capacity?: number;
  /** Events read per page while catching up. Default 5000. */
  readonly pageSize?: number;
  /** Where a conversation not in memory starts from. Default none: offset 0. */
  readonly snapshots?: SnapshotStore;
  /**
   * Called after a read of a conversation not in memory, with how many events it folded
   * beyond the stored snapshot (or from offset 0), so that a writer can save a snapshot
   * of a conversation that took long to fold. Must not throw.
   */
  readonly onColdRead?: (conversationId: ConversationId, events: number) => void;
  /**
   * Hold the events this process commits to a conversation in memory, as the log hands
   * them over (`StoredEntry.event`), and fold them on the next read instead of reading
   * them back: a turn's end reads its conversation, which would otherwise read and parse
   * every token the turn wrote. The read still asks the log for its head, and reads
   * anything after the state (a commit of another process, or one not heard of with its
   * events). Default false; {@link ConversationStates.close} stops it.
   */
  readonly followCommits?: boolean;
  /**
   * Called when the reducer refused an event of the log while folding a conversation
   * (the fold stops there: the state keeps `resync`), once per conversation and refused
   * offset, with the offset of the stored snapshot the fold started from (0 without one).
   * A log the daemon wrote never holds such an event; this says one does. Must not throw.
   */
  readonly onRefused?: (conversationId: ConversationId, resync: ResyncNeeded, startedFrom: Offset) => void;
}

/** Events held per conversation at most, when following commits; past it the log is read instead. */
const HELD_EVENTS_LIMIT = 10_000;

export function createConversationStates(log: EventLog, options: ConversationStatesOptions = {}): ConversationStates {
  const capacity = options.capacity ?? 1000;
  const pageSize = options.pageSize ?? 5000;
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recent.
  const cache = new Map<string, ConversationState>();
  // Committed events not folded yet, per cached conversation, contiguous after its state.
  const held = new Map<string, StoredEvent[]>();
  // Cached conversations that had a commit whose events could not be held (another
  // process's, or a log that hands over no objects, as PostgreSQL's): the next read goes
  // to the log without asking for the head first.
  const behind = new Set<string>();

  // Where each cached conversation's fold started (its stored snapshot's offset, or 0),
  // and the offset of the refusal last told, so that each is told once.
  const origins = new Map<string, Offset>();
  const told = new Map<string, number>();
  const tellRefused = (conversationId: ConversationId, resync: ResyncNeeded) => {
    if (told.get(conversationId) === resync.refusedOffset) return;
    told.set(conversationId, resync.refusedOffset);
    options.onRefused?.(conversationId, resync, origins.get(conversationId) ?? (0 as Offset));
  };

  const remember = (state: ConversationState) => {
    const known = cache.get(state.conversationId);
    // Concurrent catch-ups may finish out of order; never go back to an older state.
    if (known !== undefined && known.offset > state.offset) return known;
    cache.delete(state.conversationId);
    cache.set(state.conversationId, state);
    while (cache.size > capacity) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
      held.delete(oldest);
      behind.delete(oldest);
      origins.delete(oldest);
    }
    return state;
  };

  /** Where a conversation not in memory starts: its usable stored snapshot, else offset 0. */
  const start = async (conversationId: ConversationId): Promise<ConversationState> => {
    const stored = await options.snapshots?.latestSnapshot({ stream: 'conversation', conversationId });
    return (stored && fromStoredSnapshot(conversationId, stored)) ?? createConversationState(conversationId);
  };

  const hold = ({ stream, entries }: CommitNotice) => {
    if (stream.stream !== 'conversation') return;
    const { conversationId } = stream;
    const cached = cache.get(conversationId);
    if (cached === undefined) return;
    const list = held.get(conversationId) ?? [];
    const next = (list.at(-1)?.offset ?? cached.offset) + 1;
    const usable =
      entries !== undefined &&
      entries[0]?.offset === next &&
      list.length + entries.length <= HELD_EVENTS_LIMIT &&
      entries.every((entry) => entry.event !== undefined);
    if (!usable) {
      held.delete(conversationId);
      behind.add(conversationId);
      return;
    }
    for (const entry of entries) list.push(entry.event as StoredEvent);
    held.set(conversationId, list);
  };
  const stopFollowing = options.followCommits ? log.onCommit(hold) : () => {};

  /** The held events that continue `state`, folded into it; they are let go either way. */
  const foldHeld = (conversationId: ConversationId, state: ConversationState): ConversationState => {
    const list = held.get(conversationId);
    if (list === undefined) return state;
    held.delete(conversationId);
    const start = list.findIndex((event) => event.offset > state.offset);
    if (start === -1 || list[start]?.offset !== state.offset + 1) return state;
    return reduceAll(state, list.slice(start) as readonly IncomingEvent[]);
  };

  return {
    async current(conversationId) {
      const cached = cache.get(conversationId);
      let state = cached === undefined ? await start(conversationId) : foldHeld(conversationId, cached);
      if (cached === undefined) origins.set(conversationId, state.offset);
      const stream = { stream: 'conversation', conversationId } as const;
      // Following commits, a cached state whose commits were all held is mostly at the
      // head already: asking for the head (kept in memory by SQLite; one query, as an
      // empty read is, on PostgreSQL) spares the read, which may go to storage. Offsets
      // have no gaps, so a state at the head is up to date.
      if (options.followCommits && cached !== undefined && !behind.has(conversationId)) {
        if (state.offset === (await log.head(stream))) return remember(state);
      }
      // Cleared before reading: a commit not held from now on marks it again.
      behind.delete(conversationId);
      let folded = 0;
      for (;;) {
        const events = await log.read(stream, state.offset, pageSize);
        state = reduceAll(state, events as readonly IncomingEvent[]);
        folded += events.length;
        // A refused event stops the fold where it is: the next page would be this one again.
        if (events.length < pageSize || state.resync !== undefined) break;
      }
      if (cached === undefined && folded > 0) options.onColdRead?.(conversationId, folded);
      if (state.resync !== undefined) tellRefused(conversationId, state.resync);
      return remember(state);
    },
    forget(conversationId) {
      cache.delete(conversationId);
      held.delete(conversationId);
      behind.delete(conversationId);
      origins.delete(conversationId);
      told.delete(conversationId);
    },
    close: stopFollowing,
  };
}
