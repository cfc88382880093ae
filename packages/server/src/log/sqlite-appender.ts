import type { DatabaseSync } from 'node:sqlite';
import type { Offset } from '@once/protocol';
import type { CommitNotice, StoredEvent, StreamKey } from './event-log.ts';
import { type EventTail, identityKey, type TailEvent } from './event-tail.ts';
import { envelopeText, type PreparedDraft } from './prepare-draft.ts';
import type { SqliteStatements } from './sqlite-statements.ts';

/** One `append` call waiting for its transaction. */
export interface PendingAppend {
  readonly stream: StreamKey;
  readonly drafts: readonly PreparedDraft[];
}

/** A stream's integer key and the offset of its last event. */
interface StreamState {
  readonly stream: StreamKey;
  readonly key: number;
  head: number;
}

/** What a transaction in progress has written, for memory to take on once it commits. */
interface Staged {
  readonly streams: Map<string, StreamState>;
  readonly messages: Map<string, number>;
  /** Tail events written so far, in order. */
  readonly events: TailEvent[];
  /** The same events by identity, so that a duplicate later in the batch finds them. */
  readonly identities: Map<string, TailEvent>;
}

/** What one committed transaction produced. */
export interface CommittedBatch {
  /** One list of stored events per append, in the order of the appends. */
  readonly results: (readonly StoredEvent[])[];
  /** One notice per stream whose head moved. */
  readonly notices: readonly CommitNotice[];
}

/**
 * Beyond this many cached message keys the cache starts afresh: messages are written
 * while they stream and rarely after, so the recent ones are what matter.
 */
const MESSAGE_CACHE_LIMIT = 10_000;

/** Identifies a stream in memory and in the `streams` table. */
export function streamName(stream: StreamKey): { readonly kind: string; readonly name: string } {
  return stream.stream === 'conversation'
    ? { kind: 'conversation', name: stream.conversationId }
    : { kind: 'account', name: stream.accountId };
}

function cacheKey(stream: StreamKey): string {
  const { kind, name } = streamName(stream);
  return `${kind}:${name}`;
}

/**
 * Writes batches of appends in one SQLite transaction each, into the tail, assigning
 * offsets and applying idempotency. Keeps stream keys, heads, message keys and the tail
 * in memory so that an event costs one insert at the end of one tree; what a transaction
 * changed reaches that memory only after it committed, so a rolled-back transaction
 * leaves no trace there either.
 */
export class SqliteAppender {
  readonly #database: DatabaseSync;
  readonly #statements: SqliteStatements;
  readonly #tail: EventTail;
  readonly #streams = new Map<string, StreamState>();
  readonly #messages = new Map<string, number>();

  constructor(database: DatabaseSync, statements: SqliteStatements, tail: EventTail) {
    this.#database = database;
    this.#statements = statements;
    this.#tail = tail;
  }

  /** The committed head of a stream, 0 when it holds nothing. */
  head(stream: StreamKey): Offset {
    return (this.#committedState(stream)?.head ?? 0) as Offset;
  }

  /** The integer key of a stream, or undefined when it holds nothing. */
  streamKey(stream: StreamKey): number | undefined {
    return this.#committedState(stream)?.key;
  }

  /**
   * Writes the appends in one transaction, in order.
   * @throws the SQLite error, after rolling back; nothing of the batch is stored then.
   */
  commit(appends: readonly PendingAppend[]): CommittedBatch {
    const staged: Staged = { streams: new Map(), messages: new Map(), events: [], identities: new Map() };
    const { streams, messages } = staged;
    this.#database.exec('BEGIN IMMEDIATE');
    let results: (readonly StoredEvent[])[];
    try {
      results = appends.map((append) => {
        const state = this.#stagedState(streams, append.stream);
        return append.drafts.map((draft) => this.#store(state, staged, draft));
      });
      this.#database.exec('COMMIT');
    } catch (error) {
      if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
      throw error;
    }
    for (const event of staged.events) this.#tail.add(event);
    const notices: CommitNotice[] = [];
    for (const [key, state] of streams) {
      if (state.head !== this.#streams.get(key)?.head)
        notices.push({ stream: state.stream, head: state.head as Offset });
      this.#streams.set(key, state);
    }
    if (this.#messages.size + messages.size > MESSAGE_CACHE_LIMIT) this.#messages.clear();
    for (const [key, message] of messages) this.#messages.set(key, message);
    return { results, notices };
  }

  #store(state: StreamState, staged: Staged, draft: PreparedDraft): StoredEvent {
    let message: number | null = null;
    let identity: string | undefined;
    if (draft.identity !== undefined) {
      const { messageId, blockIndex, seq } = draft.identity;
      message = this.#messageKey(state.key, messageId, staged.messages);
      identity = identityKey(message, blockIndex, seq);
      // Already stored, earlier in this transaction, in the tail or merged: hand back that event.
      const earlier = staged.identities.get(identity) ?? this.#tail.byIdentity(identity);
      if (earlier !== undefined) return JSON.parse(earlier.envelope) as StoredEvent;
      const merged = this.#statements.findMerged.get(message, blockIndex, seq) as [string] | undefined;
      if (merged !== undefined) return JSON.parse(merged[0]) as StoredEvent;
    }
    const offset = state.head + 1;
    const envelope = envelopeText(draft.body, offset);
    const blockIndex = draft.identity?.blockIndex ?? null;
    const seq = draft.identity?.seq ?? null;
    const { lastInsertRowid } = this.#statements.insertTail.run(state.key, offset, message, blockIndex, seq, envelope);
    const event: TailEvent = {
      position: Number(lastInsertRowid),
      stream: state.key,
      offset,
      message,
      blockIndex,
      seq,
      identity,
      envelope,
    };
    staged.events.push(event);
    if (identity !== undefined) staged.identities.set(identity, event);
    state.head = offset;
    return JSON.parse(envelope) as StoredEvent;
  }

  #committedState(stream: StreamKey): StreamState | undefined {
    const key = cacheKey(stream);
    const cached = this.#streams.get(key);
    if (cached !== undefined) return cached;
    const { kind, name } = streamName(stream);
    const row = this.#statements.findStream.get(kind, name) as { key: number } | undefined;
    if (row === undefined) return undefined;
    const state = { stream, key: row.key, head: this.#tail.lastOffset(row.key) ?? this.#mergedHead(row.key) };
    this.#streams.set(key, state);
    return state;
  }

  #stagedState(staged: Map<string, StreamState>, stream: StreamKey): StreamState {
    const key = cacheKey(stream);
    const existing = staged.get(key);
    if (existing !== undefined) return existing;
    const committed = this.#committedState(stream);
    let state: StreamState;
    if (committed !== undefined) {
      state = { ...committed };
    } else {
      const { kind, name } = streamName(stream);
      const row = this.#statements.insertStream.get(kind, name) as { key: number };
      state = { stream, key: row.key, head: 0 };
    }
    staged.set(key, state);
    return state;
  }

  #mergedHead(streamKey: number): number {
    const row = this.#statements.mergedHead.get(streamKey) as { head: number | null };
    return row.head ?? 0;
  }

  #messageKey(streamKey: number, messageId: string, staged: Map<string, number>): number {
    const key = `${streamKey}:${messageId}`;
    const known = this.#messages.get(key) ?? staged.get(key);
    if (known !== undefined) return known;
    const row = (this.#statements.findMessage.get(streamKey, messageId) ??
      this.#statements.insertMessage.get(streamKey, messageId)) as { key: number };
    staged.set(key, row.key);
    return row.key;
  }
}
