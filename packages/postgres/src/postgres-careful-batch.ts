import {
  type CommitNotice,
  envelopeText,
  type PreparedDraft,
  type StoredEntry,
  type StreamKey,
  streamId,
  streamIdOf,
  streamName,
} from '@once/log';
import { type Offset, OnceError } from '@once/protocol';
import type { ReservedSql } from 'postgres';
import {
  batchStreams,
  createStreams,
  emptyRows,
  lockStreams,
  type MovedHead,
  type NewRows,
  notifyHeads,
  writeRows,
} from './postgres-append-statements.ts';
import {
  type BatchAppend,
  lockLeaseOwners,
  passesFence,
  readStoredMessages,
  type WantedMessage,
} from './postgres-batch-reads.ts';
import { KnownStream } from './postgres-known-streams.ts';
import type { SchemaNames } from './postgres-schema.ts';
import { insertSentMessages, readSentMessages, SentMessageCheck } from './postgres-sent-messages.ts';
import { identityKey, messagesReadBack } from './postgres-stored-messages.ts';

// The careful way to write a batch (PostgresAppender): a stream's first batch here, a
// head another daemon moved, a fenced-out append, a message first met that was stored
// before, an event at or below its block's highest seq, a user message sent with a
// clientMessageId.
//
// A careful transaction takes two round trips on one connection, each a pipeline of
// statements (three when the locks show that another daemon wrote one of its streams):
// 1. create the stream rows that are missing (autocommitted, before the transaction: an
//    empty stream row is harmless), `BEGIN`, `SELECT … FOR UPDATE` the streams' rows (by
//    their keys once every one is cached, else by kind and name) in key order (two
//    writers of the same streams then queue instead of deadlocking), which reads their
//    heads, `SELECT … FOR SHARE` the lease rows of fenced appends' conversations (an
//    append whose fence no longer holds its row is refused alone), the user messages
//    stored under the clientMessageIds the batch opens user messages with (an append
//    opening one held by another message is refused alone), and the batch's messages this
//    daemon does not know or may have stored events of, with their events: statements of
//    their own, whose snapshots, taken once the locks are held, include every transaction
//    that held them before;
// 2. one statement that inserts the new events (offsets head + 1, …) and the messages
//    first stored, moves the heads and marks the session with the batch's token, records
//    the batch's new user messages sent with a clientMessageId, then `COMMIT`, then — in
//    the same pipeline, as a transaction of its own — NOTIFYs of the new heads, sent only
//    if the session still holds the token, that is if the COMMIT took effect (a failed
//    transaction undoes the mark).

/** One `append` call waiting for its transaction. */
export type PendingAppend = BatchAppend;

/** What one committed transaction produced. */
export interface CommittedBatch {
  /**
   * One list of stored events per append, in the order of the appends; the error of an
   * append whose fence no longer held its conversation (nothing of it was stored).
   */
  readonly results: (readonly StoredEntry[] | OnceError)[];
  /** One notice per stream whose head moved. */
  readonly notices: readonly CommitNotice[];
}

/** What a careful transaction needs of its appender. */
export interface CarefulContext {
  readonly names: SchemaNames;
  /** Identifies the log in its notifications. */
  readonly instance: string;
  /** Stream row keys by stream id: the transaction adds those it learns. */
  readonly keys: Map<string, number>;
  /** What the appender knows of each stream, by row key (see `KnownStream`). */
  readonly known: ReadonlyMap<number, KnownStream>;
  /** Row keys of streams known to have been written by another daemon: their messages are read back at once. */
  readonly movedElsewhere: ReadonlySet<number>;
  /** The batch's token, which tells the notifying statement the batch committed. */
  readonly token: string;
}

/** A stream of the batch: its row key, its head when locked, and what is known of it as the transaction moves it. */
interface LockedStream {
  readonly stream: StreamKey;
  readonly key: number;
  readonly before: number;
  readonly known: KnownStream;
}

/**
 * One careful transaction of the batch (see the file's comment) on `connection`: what
 * it stored, and what is known of its streams once it committed (for the caller to keep).
 * @throws the database error; the transaction is rolled back and nothing of the batch is stored.
 */
export async function commitCarefully(
  connection: ReservedSql,
  context: CarefulContext,
  appends: readonly PendingAppend[],
): Promise<{ readonly committed: CommittedBatch; readonly known: Map<number, KnownStream> }> {
  const { names, instance, keys: knownKeys, known: knownStreams, movedElsewhere, token } = context;
  const knownStream = (id: string) => {
    const key = knownKeys.get(id);
    return key === undefined || movedElsewhere.has(key) ? undefined : knownStreams.get(key);
  };
  const streams = batchStreams(appends);
  try {
    const keys = cachedKeys(knownKeys, streams.byId.keys());
    const created = keys === undefined ? createStreams(connection, names, streams) : undefined;
    const wanted = messagesToRead(appends, knownStream);
    const [, , , lockRows, owners, sentRows, messageRows] = await settled([
      created,
      connection`BEGIN ISOLATION LEVEL READ COMMITTED`,
      // Its statements read tables that grow: planned for them as they are now, as on
      // the read connections (a plan kept from an empty table stays slow).
      connection`SET LOCAL plan_cache_mode = force_custom_plan`,
      lockStreams(connection, names, streams, keys),
      lockLeaseOwners(connection, names, appends),
      readSentMessages(connection, names, appends),
      readStoredMessages(connection, names, wanted),
    ]);
    const locked = new Map<string, LockedStream>();
    const strangers = new Set<string>();
    for (const row of lockRows) {
      const id = streamIdOf(row.kind, row.name);
      const key = Number(row.key);
      const head = Number(row.head);
      knownKeys.set(id, key);
      const last = knownStreams.get(key);
      // Another daemon wrote the stream (or this one never learned how its last batch
      // ended): nothing known of it holds, and its messages are read again.
      if (last?.head !== head) strangers.add(id);
      const known = last?.head === head ? last.clone() : new KnownStream(head);
      locked.set(id, { stream: streams.byId.get(id) as StreamKey, key, before: head, known });
    }
    const askedFor = new Set(wanted.map(wantedKey));
    const more = messagesToRead(appends, (id) => (strangers.has(id) ? undefined : 'skip')).filter(
      (message) => !askedFor.has(wantedKey(message)),
    );
    const moreRows = more.length > 0 ? await readStoredMessages(connection, names, more) : [];
    const { messages, stored } = messagesReadBack([...messageRows, ...moreRows]);
    for (const [id, ofStream] of messages) {
      const state = locked.get(id) as LockedStream;
      for (const [messageId, message] of ofStream) state.known.learn(messageId, message);
    }
    const rows = emptyRows();
    const entries = new Map<number, StoredEntry[]>();
    const sent = new SentMessageCheck(sentRows);
    const results = appends.map((append) => {
      if (!passesFence(append, owners)) return fencedOut(append);
      const id = streamId(append.stream);
      const state = locked.get(id) as LockedStream;
      return (
        sent.refusal(append, state.key) ??
        append.drafts.map((draft) => placeDraft(id, state, draft, stored, rows, entries))
      );
    });
    const moved = [...locked.values()].filter((state) => state.known.head !== state.before);
    // Sent now, in this order, in one pipeline (postgres.js sends a statement once it is
    // executed or first awaited). COMMIT of a transaction whose write failed only rolls
    // it back; settled() still throws the write's error. What the notifying statement
    // does not deliver is not the append's failure.
    const heads: MovedHead[] = moved.map((state) => ({
      stream: state.stream,
      key: state.key,
      head: state.known.head,
    }));
    const write = moved.length > 0 ? writeRows(connection, names, rows, heads, token).execute() : undefined;
    const recordSent = sent.added.length > 0 ? insertSentMessages(connection, names, sent.added).execute() : undefined;
    const commit = connection`COMMIT`.execute();
    const notified =
      moved.length > 0 ? notifyHeads(connection, names, instance, heads, token).execute().catch(warn) : undefined;
    const committed = settled([write, recordSent, commit]);
    try {
      await committed;
    } finally {
      await notified;
    }
    const notices = moved.map((state) => ({
      stream: state.stream,
      head: state.known.head as Offset,
      entries: entries.get(state.key) ?? [],
    }));
    const known = new Map([...locked.values()].map((state) => [state.key, state.known]));
    return { committed: { results, notices }, known };
  } catch (error) {
    await connection`ROLLBACK`.catch(() => {});
    throw error;
  }
}

/**
 * The messages of the batch's events that may be stored already as far as `known` says
 * of their stream: the stream or the message is unknown (undefined), or an event's seq is
 * not above its block's highest. A stream `known` says to skip has none.
 */
function messagesToRead(
  appends: readonly PendingAppend[],
  known: (streamId: string) => KnownStream | undefined | 'skip',
): WantedMessage[] {
  const wanted = new Map<string, WantedMessage>();
  for (const append of appends) {
    const id = streamId(append.stream);
    const stream = known(id);
    if (stream === 'skip') continue;
    const { kind, name } = streamName(append.stream);
    for (const { identity } of append.drafts) {
      if (identity === undefined) continue;
      if (stream?.knows(identity.messageId) === true && !stream.mayHaveStored(identity)) continue;
      const message = { kind, name, messageId: identity.messageId };
      wanted.set(wantedKey(message), message);
    }
  }
  return [...wanted.values()];
}

/** The cached keys of the streams, or undefined when one of them is not cached yet. */
function cachedKeys(known: ReadonlyMap<string, number>, ids: Iterable<string>): number[] | undefined {
  const keys: number[] = [];
  for (const id of ids) {
    const key = known.get(id);
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys;
}

/**
 * The stored event of a draft: the one stored first when its identity is stored already
 * (before this transaction or earlier in it), else a new row at the stream's next offset,
 * also added to `entries` (the new events by stream key, for the commit notices). The
 * entry is built from what is known here, not read back off the envelope's text.
 */
function placeDraft(
  id: string,
  state: LockedStream,
  draft: PreparedDraft,
  stored: Map<string, StoredEntry>,
  rows: NewRows,
  entries: Map<number, StoredEntry[]>,
): StoredEntry {
  const identity = draft.identity;
  const key =
    identity === undefined ? undefined : identityKey(id, identity.messageId, identity.blockIndex, identity.seq);
  const earlier = key === undefined ? undefined : stored.get(key);
  if (earlier !== undefined) return earlier;
  const known = state.known;
  known.head += 1;
  const envelope = envelopeText(draft.body, known.head);
  rows.streams.push(state.key);
  rows.offsets.push(known.head);
  rows.envelopes.push(envelope);
  if (identity !== undefined && known.place(identity, draft.type, known.head)) {
    rows.messages.streams.push(state.key);
    rows.messages.ids.push(identity.messageId);
    rows.messages.firstOffsets.push(known.head);
  }
  const entry: StoredEntry = { offset: known.head as Offset, type: draft.type, json: envelope };
  if (key !== undefined) stored.set(key, entry);
  const group = entries.get(state.key);
  if (group === undefined) entries.set(state.key, [entry]);
  else group.push(entry);
  return entry;
}

function wantedKey(message: WantedMessage): string {
  return `${message.kind}\u0000${message.name}\u0000${message.messageId}`;
}

/** Reports a notification that was not sent: the batch is stored; listeners of other daemons catch up at their next wake. */
export function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : String(error), 'OnceEventLogWarning');
}

function fencedOut(append: PendingAppend): OnceError {
  const conversation = append.stream.stream === 'conversation' ? append.stream.conversationId : '';
  return new OnceError(
    'conflict',
    `This daemon no longer holds conversation ${conversation} (another daemon took it over), so nothing of this append was stored.`,
  );
}

/**
 * Awaits statements sent together (pipelined) and returns their results; throws the
 * first error, after every one of them settled, so none rejects unobserved.
 */
async function settled<T extends readonly unknown[]>(
  statements: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const outcomes = await Promise.allSettled(statements);
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}
