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
import postgres, { type Sql } from 'postgres';
import { callAppendFunction } from './postgres-append-function.ts';
import { FENCED_OUT, HEAD_MOVED } from './postgres-append-function-definition.ts';
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
import { lockLeaseOwners, passesFence, readStoredMessages, type WantedMessage } from './postgres-batch-reads.ts';
import { type PlacedBatch, placeFunctionBatch } from './postgres-function-batch.ts';
import { KnownStream } from './postgres-known-streams.ts';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';
import { insertSentMessages, readSentMessages, SentMessageCheck } from './postgres-sent-messages.ts';
import { identityKey, messagesReadBack } from './postgres-stored-messages.ts';

/** PostgreSQL's error code of a unique index refusing a row: here, `messages`' key (a message stored before). */
const UNIQUE_VIOLATION = '23505';
/** PostgreSQL's error code of a transaction it failed to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';
/** Errors of the append function after which the careful path writes the batch; nothing of it was stored. */
const REFUSED_BY_FUNCTION: ReadonlySet<string> = new Set([FENCED_OUT, HEAD_MOVED, UNIQUE_VIOLATION, DEADLOCK_DETECTED]);
/** Times the careful path is tried when PostgreSQL breaks a deadlock by failing it. */
const CAREFUL_ATTEMPTS = 3;

/** One `append` call waiting for its transaction. */
export interface PendingAppend {
  readonly stream: StreamKey;
  readonly drafts: readonly PreparedDraft[];
  /** The lease owner that must hold the conversation (`AppendOptions.fence`). */
  readonly fence?: string | undefined;
}

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

/** A stream of the batch: its row key, its head when locked, and what is known of it as the transaction moves it. */
interface LockedStream {
  readonly stream: StreamKey;
  readonly key: number;
  readonly before: number;
  readonly known: KnownStream;
}

/**
 * Writes batches of appends, one PostgreSQL transaction each. Other daemons write the
 * same tables, so what this daemon keeps in memory of a stream (its row key, which never
 * changes, and a {@link KnownStream}: its head and its messages' highest seqs) holds only
 * while the stream's head is where its last batch left it, which every write checks.
 *
 * Once this log knows each stream of a batch and no event of it may be stored already,
 * the batch is one round trip: a call of the schema's append function, which moves the
 * heads from the ones this daemon expects and stores the rows as sent, then the
 * notification of the new heads (docs/decisions/029 and 039). Otherwise (a stream's first
 * batch here, a head another daemon moved, a fenced-out append, a message first met that
 * was stored before, an event at or below its block's highest seq, a user message sent
 * with a clientMessageId) the batch is the transaction below, the careful path.
 *
 * A careful transaction takes two round trips on one connection, each a pipeline of
 * statements (three when the locks show that another daemon wrote one of its streams):
 * 1. create the stream rows that are missing (autocommitted, before the transaction: an
 *    empty stream row is harmless), `BEGIN`, `SELECT … FOR UPDATE` the streams' rows (by
 *    their keys once every one is cached, else by kind and name) in key order (two writers of the same streams then queue instead of deadlocking), which
 *    reads their heads, `SELECT … FOR SHARE` the lease rows of fenced appends'
 *    conversations (an append whose fence no longer holds its row is refused alone), the
 *    user messages stored under the clientMessageIds the batch opens user messages with
 *    (an append opening one held by another message is refused alone), and the batch's
 *    messages this daemon does not know or may have stored events of, with their events:
 *    statements of their own, whose snapshots, taken once the locks are held, include
 *    every transaction that held them before;
 * 2. one statement that inserts the new events (offsets head + 1, …) and the messages
 *    first stored, moves the heads and marks the session with the batch's token, records
 *    the batch's new user messages sent with a clientMessageId, then `COMMIT`, then — in
 *    the same pipeline, as a transaction of its own — NOTIFYs of the new heads, sent only
 *    if the session still holds the token, that is if the COMMIT took effect (a failed
 *    transaction undoes the mark).
 *
 * NOTIFY is kept out of the append transaction because PostgreSQL serialises the commits
 * of every transaction that notifies, fsync included (a database-wide lock, taken just
 * before commit and held until it is done): with it inside, batches on two connections or
 * two daemons could not share a WAL flush, and neither more lanes nor more daemons
 * appended more (docs/decisions/018-postgresql-appends-in-parallel.md). The notifying
 * transaction commits with `synchronous_commit = off`: it writes nothing worth keeping.
 */
export class PostgresAppender {
  readonly #sql: Sql;
  /** Connections of the append batches: they keep the plans of their statements. */
  readonly #appendSql: Sql;
  readonly #names: SchemaNames;
  readonly #instance: string;
  readonly #keys = new Map<string, number>();
  /** What this daemon's last committed batch of each stream left, by row key. */
  readonly #known = new Map<number, KnownStream>();
  /** Counts batches, for the token that tells the notifying statement its batch committed. */
  #batches = 0;

  /**
   * @param sql Connections for reads (a stream's key), which plan each statement afresh.
   * @param appendSql Connections for the batches, which keep their statements' plans
   * (`plan_cache_mode = auto`); the transaction below plans afresh again.
   * @param instance Identifies this log in its notifications, so it can skip its own.
   */
  constructor(sql: Sql, appendSql: Sql, names: SchemaNames, instance: string) {
    this.#sql = sql;
    this.#appendSql = appendSql;
    this.#names = names;
    this.#instance = instance;
  }

  /** The row key of a stream, or undefined when no append ever created it. */
  async streamKey(stream: StreamKey): Promise<number | undefined> {
    const id = streamId(stream);
    const cached = this.#keys.get(id);
    if (cached !== undefined) return cached;
    const { kind, name } = streamName(stream);
    const [row] = await this.#sql.unsafe<{ key: string }[]>(
      `SELECT key FROM ${this.#names.streams} WHERE kind = $1 AND name = $2`,
      [kind, name],
      PREPARED,
    );
    if (row === undefined) return undefined;
    this.#keys.set(id, Number(row.key));
    return Number(row.key);
  }

  /**
   * Writes the appends in one transaction, in order: in one call of the schema's append
   * function when it can (see the class), else, or when the function refuses the batch
   * (it then stores nothing), the careful way.
   * @throws the database error; the transaction is rolled back and nothing of the batch is stored.
   */
  async commit(appends: readonly PendingAppend[]): Promise<CommittedBatch> {
    const placed = placeFunctionBatch(appends, { keys: this.#keys, streams: this.#known });
    if (placed !== undefined) {
      try {
        return await this.#callFunction(placed);
      } catch (error) {
        if (!(error instanceof postgres.PostgresError && REFUSED_BY_FUNCTION.has(error.code))) throw error;
      }
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#careful(appends);
      } catch (error) {
        const deadlocked = error instanceof postgres.PostgresError && error.code === DEADLOCK_DETECTED;
        if (!deadlocked || attempt === CAREFUL_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * The batch in one round trip: the function's call (its own transaction) and, pipelined
   * after it, the notification of the new heads, sent only if it committed.
   */
  async #callFunction(placed: PlacedBatch): Promise<CommittedBatch> {
    this.#batches += 1;
    const token = `${this.#instance}:${this.#batches}`;
    const connection = await this.#appendSql.reserve();
    try {
      // Sent together, in this order, in one pipeline; each is a transaction of its own.
      const call = callAppendFunction(connection, this.#names, placed.batch, token).execute();
      const notified = notifyHeads(connection, this.#names, this.#instance, placed.notices, token)
        .execute()
        .catch(warn);
      try {
        await call;
      } finally {
        await notified;
      }
    } finally {
      connection.release();
    }
    this.#keep(placed.known);
    return { results: placed.results, notices: placed.notices };
  }

  /** One careful transaction of the batch (see the class). */
  async #careful(appends: readonly PendingAppend[]): Promise<CommittedBatch> {
    const streams = batchStreams(appends);
    const connection = await this.#appendSql.reserve();
    try {
      const keys = this.#cachedKeys(streams.byId.keys());
      const created = keys === undefined ? createStreams(connection, this.#names, streams) : undefined;
      const wanted = this.#messagesToRead(appends, (id) => this.#knownStream(id));
      const [, , , lockRows, owners, sentRows, messageRows] = await settled([
        created,
        connection`BEGIN ISOLATION LEVEL READ COMMITTED`,
        // Its statements read tables that grow: planned for them as they are now, as on
        // the read connections (a plan kept from an empty table stays slow).
        connection`SET LOCAL plan_cache_mode = force_custom_plan`,
        lockStreams(connection, this.#names, streams, keys),
        lockLeaseOwners(connection, this.#names, appends),
        readSentMessages(connection, this.#names, appends),
        readStoredMessages(connection, this.#names, wanted),
      ]);
      const locked = new Map<string, LockedStream>();
      const strangers = new Set<string>();
      for (const row of lockRows) {
        const id = streamIdOf(row.kind, row.name);
        const key = Number(row.key);
        const head = Number(row.head);
        this.#keys.set(id, key);
        const last = this.#known.get(key);
        // Another daemon wrote the stream (or this one never learned how its last batch
        // ended): nothing known of it holds, and its messages are read again.
        if (last?.head !== head) strangers.add(id);
        const known = last?.head === head ? last.clone() : new KnownStream(head);
        locked.set(id, { stream: streams.byId.get(id) as StreamKey, key, before: head, known });
      }
      const askedFor = new Set(wanted.map(wantedKey));
      const more = this.#messagesToRead(appends, (id) => (strangers.has(id) ? undefined : 'skip')).filter(
        (message) => !askedFor.has(wantedKey(message)),
      );
      const moreRows = more.length > 0 ? await readStoredMessages(connection, this.#names, more) : [];
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
          append.drafts.map((draft) => this.#place(id, state, draft, stored, rows, entries))
        );
      });
      const moved = [...locked.values()].filter((state) => state.known.head !== state.before);
      this.#batches += 1;
      const token = `${this.#instance}:${this.#batches}`;
      // Sent now, in this order, in one pipeline (postgres.js sends a statement once it is
      // executed or first awaited). COMMIT of a transaction whose write failed only rolls
      // it back; settled() still throws the write's error. What the notifying statement
      // does not deliver is not the append's failure.
      const heads: MovedHead[] = moved.map((state) => ({
        stream: state.stream,
        key: state.key,
        head: state.known.head,
      }));
      const write = moved.length > 0 ? writeRows(connection, this.#names, rows, heads, token).execute() : undefined;
      const recordSent =
        sent.added.length > 0 ? insertSentMessages(connection, this.#names, sent.added).execute() : undefined;
      const commit = connection`COMMIT`.execute();
      const notified =
        moved.length > 0
          ? notifyHeads(connection, this.#names, this.#instance, heads, token).execute().catch(warn)
          : undefined;
      const committed = settled([write, recordSent, commit]);
      try {
        await committed;
      } finally {
        await notified;
      }
      this.#keep(new Map([...locked.values()].map((state) => [state.key, state.known])));
      const notices = moved.map((state) => ({
        stream: state.stream,
        head: state.known.head as Offset,
        entries: entries.get(state.key) ?? [],
      }));
      return { results, notices };
    } catch (error) {
      await connection`ROLLBACK`.catch(() => {});
      throw error;
    } finally {
      connection.release();
    }
  }

  /** Keeps what a committed batch left of its streams. */
  #keep(known: ReadonlyMap<number, KnownStream>): void {
    for (const [key, stream] of known) {
      stream.settle();
      this.#known.set(key, stream);
    }
  }

  /**
   * The messages of the batch's events that may be stored already as far as `known` says
   * of their stream: the stream or the message is unknown (undefined), or an event's seq is
   * not above its block's highest. A stream `known` says to skip has none.
   */
  #messagesToRead(
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

  /** What this daemon knows of a stream, by its id. */
  #knownStream(id: string): KnownStream | undefined {
    const key = this.#keys.get(id);
    return key === undefined ? undefined : this.#known.get(key);
  }

  /** The cached keys of the streams, or undefined when one of them is not cached yet. */
  #cachedKeys(ids: Iterable<string>): number[] | undefined {
    const keys: number[] = [];
    for (const id of ids) {
      const key = this.#keys.get(id);
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
  #place(
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
}

function wantedKey(message: WantedMessage): string {
  return `${message.kind}\u0000${message.name}\u0000${message.messageId}`;
}

function warn(error: unknown): void {
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
