import type { DatabaseSync } from 'node:sqlite';
import {
  type CommitNotice,
  type EventIdentity,
  envelopeObject,
  envelopeText,
  mayBeStored,
  noteStored,
  type PreparedDraft,
  type StoredEntry,
  type StreamKey,
  sentMessagesOf,
  sentTwiceError,
  streamName,
  toStoredEntry,
} from '@once/log';
import type { Offset, OnceError } from '@once/protocol';
import type { EventTail } from './event-tail.ts';
import type { MessageRecord } from './message-record.ts';
import { LogRowInserter, type StagedEvent } from './sqlite-log-rows.ts';
import type { SqliteStatements } from './sqlite-statements.ts';
import { readEnvelopesAt, readStreamEnvelopes } from './sqlite-stream-reader.ts';
import { beginWrite } from './sqlite-write-lock.ts';

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
  /** The streams it appends to, with their heads before it began. */
  readonly heads: Map<StreamState, number>;
  /** Events written so far, in order. */
  readonly events: StagedEvent[];
  /** The new events of each stream, in order, as `append` hands them back. */
  readonly entries: Map<StreamState, StoredEntry[]>;
}

/** What one committed transaction produced. */
export interface CommittedBatch {
  /**
   * One list of stored entries per append, in the order of the appends; the error of an
   * append that opens a user message sent before as another (nothing of it was stored).
   */
  readonly results: (readonly StoredEntry[] | OnceError)[];
  /** One notice per stream whose head moved. */
  readonly notices: readonly CommitNotice[];
  /** The length of the JSON text it wrote, about the bytes it added to the database. */
  readonly bytes: number;
}

/**
 * Beyond this many cached messages the cache starts afresh: messages are written while
 * they stream and rarely after, so the recent ones are what matter.
 */
const MESSAGE_CACHE_LIMIT = 10_000;
/** Page size of the reads that look through a message's older events. */
const SCAN_PAGE = 1_000;

/**
 * Writes batches of appends in one SQLite transaction each: one `log` row per new event,
 * nothing else (streams and messages get a row when they first appear). Assigns offsets
 * and applies idempotency from memory: stream heads, the tail, and each message's
 * highest seq per block, so a streaming message never reads anything back. Memory is
 * changed during the transaction; if it fails, the caches start afresh from the file,
 * and the tail takes the events only after the commit.
 */
export class SqliteAppender {
  readonly #database: DatabaseSync;
  readonly #statements: SqliteStatements;
  readonly #tail: EventTail;
  readonly #rows: LogRowInserter;
  /** Streams by kind, then name: no key string to build per append. */
  readonly #streams = { conversation: new Map<string, StreamState>(), account: new Map<string, StreamState>() };
  /** Messages by stream key, then message id. */
  readonly #messages = new Map<number, Map<string, MessageRecord>>();
  #messageCount = 0;

  constructor(database: DatabaseSync, statements: SqliteStatements, tail: EventTail) {
    this.#database = database;
    this.#statements = statements;
    this.#tail = tail;
    this.#rows = new LogRowInserter(database);
  }

  /** The committed head of a stream, 0 when it holds nothing. */
  head(stream: StreamKey): Offset {
    return (this.#knownState(stream)?.head ?? 0) as Offset;
  }

  /** The integer key of a stream, or undefined when it holds nothing. */
  streamKey(stream: StreamKey): number | undefined {
    return this.#knownState(stream)?.key;
  }

  /**
   * Writes the appends in one transaction, in order; returns `'busy'`, having done
   * nothing, while another connection holds the write lock.
   * @throws the SQLite error, after rolling back; nothing of the batch is stored then.
   */
  commit(appends: readonly PendingAppend[]): CommittedBatch | 'busy' {
    if (!beginWrite(this.#database)) return 'busy';
    const staged: Staged = { heads: new Map(), events: [], entries: new Map() };
    let results: (readonly StoredEntry[] | OnceError)[];
    try {
      results = appends.map((append) => {
        const state = this.#stateFor(append.stream, staged);
        return this.#sentBefore(state, append) ?? append.drafts.map((draft) => this.#store(state, staged, draft));
      });
      this.#rows.flush();
      this.#database.exec('COMMIT');
    } catch (error) {
      this.#rows.discard();
      // Heads, new streams and messages, and highest seqs changed in memory with the
      // transaction; the file is the truth again — even should the rollback itself fail
      // (SQLite rolls a transaction back by itself after some I/O errors).
      this.#forget();
      try {
        if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
      } catch {
        // The error that failed the batch is the one to report.
      }
      throw error;
    }
    let bytes = 0;
    for (const event of staged.events) {
      this.#tail.add(event);
      bytes += event.envelope.length;
    }
    const notices: CommitNotice[] = [];
    for (const [state, before] of staged.heads) {
      const entries = staged.entries.get(state) ?? [];
      if (state.head !== before) notices.push({ stream: state.stream, head: state.head as Offset, entries });
    }
    if (this.#messageCount > MESSAGE_CACHE_LIMIT) {
      this.#messages.clear();
      this.#messageCount = 0;
    }
    return { results, notices, bytes };
  }

  /**
   * The refusal of an append that opens a user message with a clientMessageId the stream
   * holds for another message (stored before, or earlier in this transaction: its
   * `messages` row is written with its first event), or undefined.
   */
  #sentBefore(state: StreamState, append: PendingAppend): OnceError | undefined {
    const sent = sentMessagesOf(append.drafts);
    for (const [index, message] of sent.entries()) {
      const row = this.#statements.findSentMessage.get(state.key, message.clientMessageId) as
        | { messageId: string }
        | undefined;
      const storedAs =
        row?.messageId ??
        sent.slice(0, index).find((earlier) => earlier.clientMessageId === message.clientMessageId)?.messageId;
      if (storedAs !== undefined && storedAs !== message.messageId) {
        return sentTwiceError(append.stream, message, storedAs);
      }
    }
    return undefined;
  }

  #store(state: StreamState, staged: Staged, draft: PreparedDraft): StoredEntry {
    const offset = state.head + 1;
    const identity = draft.identity;
    let record: MessageRecord | undefined;
    if (identity !== undefined) {
      record = this.#record(state, identity.messageId, offset, draft.sentAs);
      const stored = this.#findStored(state, record, staged, identity);
      if (stored !== undefined) return toStoredEntry(stored);
    }
    const envelope = envelopeText(draft.body, offset);
    const event: StagedEvent = {
      position: 0,
      stream: state.key,
      offset,
      message: record?.key ?? null,
      blockIndex: identity?.blockIndex ?? 0,
      seq: identity?.seq ?? 0,
      envelope,
    };
    staged.events.push(event);
    this.#rows.add(event);
    if (record !== undefined && identity !== undefined) noteStored(record, identity.blockIndex, identity.seq);
    state.head = offset;
    const entry: StoredEntry = {
      offset,
      type: draft.type,
      json: envelope,
      event: envelopeObject(draft.fields, offset),
    };
    const entries = staged.entries.get(state);
    if (entries === undefined) staged.entries.set(state, [entry]);
    else entries.push(entry);
    return entry;
  }

  /**
   * The stored envelope of an identity, if any. A seq above its block's highest — how a
   * streaming message always appends — is new without any look-up; only one at or below
   * it is looked for: earlier in this transaction, in the tail, then among the indexed
   * events (and, once per message after the file opens, the highest seq is learned by
   * reading the message's events).
   */
  #findStored(state: StreamState, record: MessageRecord, staged: Staged, identity: EventIdentity): string | undefined {
    const { messageId, blockIndex, seq } = identity;
    if (record.highestSeqs === undefined) {
      const highest = new Map<number, number>();
      this.#scanMessage(state.key, record, messageId, (event) => {
        if (
          event.blockIndex !== undefined &&
          event.seq !== undefined &&
          event.seq > (highest.get(event.blockIndex) ?? Number.NEGATIVE_INFINITY)
        ) {
          highest.set(event.blockIndex, event.seq);
        }
        return false;
      });
      record.highestSeqs = highest;
    }
    if (!mayBeStored(record, blockIndex, seq)) return undefined;
    const inTransaction = findStaged(staged.events, record.key, blockIndex, seq);
    if (inTransaction !== undefined) return inTransaction.envelope;
    const position = this.#tail.find(state.key, record.key, blockIndex, seq);
    if (position !== undefined) return readEnvelopesAt(this.#statements, [position])[0];
    return this.#scanMessage(
      state.key,
      record,
      messageId,
      (event) => event.blockIndex === blockIndex && event.seq === seq,
    );
  }

  /**
   * Reads a message's stream from the message's first event on, and returns the first
   * envelope of that message that `matches` (or undefined). The rare path: a retried
   * older event, a gap being filled, or a message last written before the file opened.
   */
  #scanMessage(
    stream: number,
    record: MessageRecord,
    messageId: string,
    matches: (event: { blockIndex?: number; seq?: number }) => boolean,
  ): string | undefined {
    let after = Math.max(0, (record.firstOffset ?? 1) - 1);
    for (;;) {
      const page = readStreamEnvelopes(this.#statements, this.#tail, stream, after, SCAN_PAGE);
      for (const envelope of page) {
        if (!envelope.includes(messageId)) continue;
        const event = JSON.parse(envelope) as { messageId?: string; blockIndex?: number; seq?: number };
        if (event.messageId === messageId && matches(event)) return envelope;
      }
      if (page.length < SCAN_PAGE) return undefined;
      // The last offset read, not the count: compaction may have removed events in between.
      after = toStoredEntry(page[page.length - 1] as string).offset;
    }
  }

  #knownState(stream: StreamKey): StreamState | undefined {
    const streams = this.#streamsOf(stream);
    const { kind, name } = streamName(stream);
    const cached = streams.get(name);
    if (cached !== undefined) return cached;
    const row = this.#statements.findStream.get(kind, name) as { key: number } | undefined;
    if (row === undefined) return undefined;
    const indexed = this.#statements.indexedHead.get(row.key) as { head: number | null };
    const state = { stream, key: row.key, head: this.#tail.lastOffset(row.key) ?? indexed.head ?? 0 };
    streams.set(name, state);
    return state;
  }

  #stateFor(stream: StreamKey, staged: Staged): StreamState {
    let state = this.#knownState(stream);
    if (state === undefined) {
      const { kind, name } = streamName(stream);
      const row = this.#statements.insertStream.get(kind, name) as { key: number };
      state = { stream, key: row.key, head: 0 };
      this.#streamsOf(stream).set(name, state);
    }
    if (!staged.heads.has(state)) staged.heads.set(state, state.head);
    return state;
  }

  #record(state: StreamState, messageId: string, nextOffset: number, sentAs: string | undefined): MessageRecord {
    let messages = this.#messages.get(state.key);
    const known = messages?.get(messageId);
    if (known !== undefined) return known;
    const found = this.#statements.findMessage.get(state.key, messageId) as
      | { key: number; firstOffset: number | null }
      | undefined;
    const record: MessageRecord =
      found === undefined
        ? {
            key: (
              this.#statements.insertMessage.get(state.key, messageId, nextOffset, sentAs ?? null) as { key: number }
            ).key,
            firstOffset: nextOffset,
            highestSeqs: new Map(),
          }
        : { key: found.key, firstOffset: found.firstOffset, highestSeqs: undefined };
    if (messages === undefined) {
      messages = new Map();
      this.#messages.set(state.key, messages);
    }
    messages.set(messageId, record);
    this.#messageCount += 1;
    return record;
  }

  #streamsOf(stream: StreamKey): Map<string, StreamState> {
    return stream.stream === 'conversation' ? this.#streams.conversation : this.#streams.account;
  }

  /** Drops every cached stream and message: the file is the truth again. */
  #forget(): void {
    this.#streams.conversation.clear();
    this.#streams.account.clear();
    this.#messages.clear();
    this.#messageCount = 0;
  }
}

/** The newest event of the transaction in progress stored under a message-scoped identity, if any. */
function findStaged(
  events: readonly StagedEvent[],
  message: number,
  blockIndex: number,
  seq: number,
): StagedEvent | undefined {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index] as StagedEvent;
    if (event.message === message && event.blockIndex === blockIndex && event.seq === seq) return event;
  }
  return undefined;
}
