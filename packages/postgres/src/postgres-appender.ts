import {
  type CommitNotice,
  envelopeText,
  type PreparedDraft,
  type StoredEntry,
  type StreamKey,
  streamId,
  streamIdOf,
  streamName,
  toStoredEntry,
} from '@once/log';
import { type Offset, OnceError } from '@once/protocol';
import postgres, { type Sql } from 'postgres';
import { callAppendFunction, notifyPrepared } from './postgres-append-function.ts';
import { FENCED_OUT, HEAD_MOVED } from './postgres-append-function-definition.ts';
import {
  batchStreams,
  createStreams,
  lockStreams,
  type NewRows,
  notifyHeads,
  writeRows,
} from './postgres-append-statements.ts';
import { lockLeaseOwners, passesFence, readStoredIdentities } from './postgres-batch-reads.ts';
import { type PlacedBatch, placeFunctionBatch } from './postgres-function-batch.ts';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';
import { insertSentMessages, readSentMessages, SentMessageCheck } from './postgres-sent-messages.ts';

/** PostgreSQL's error code of a unique index refusing a row. */
const UNIQUE_VIOLATION = '23505';
/** The unique index on an event's identity (stream, messageId, blockIndex, seq). */
const IDENTITY_INDEX = 'events_identity';

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

/** A stream of the batch: its row key, and its head as the transaction moves it. */
interface LockedStream {
  readonly stream: StreamKey;
  readonly key: number;
  readonly before: number;
  head: number;
}

function identityKey(stream: string, messageId: string, blockIndex: number | string, seq: number | string): string {
  return `${stream}\u0000${messageId}\u0000${blockIndex}\u0000${seq}`;
}

/**
 * Writes batches of appends, one PostgreSQL transaction each. Nothing about heads or
 * identities is kept in memory between transactions: other daemons write the same
 * tables, so each transaction locks its streams' rows and reads what it needs under
 * that lock. Only the integer key of a stream is cached, since it never changes.
 *
 * Once this log knows each stream of a batch (its key, and its head as its own last batch
 * left it), the batch is one round trip: a call of the schema's append function, which
 * checks those heads under lock and stores the rows as sent, then the notifications it
 * prepared (docs/decisions/029-postgresql-append-in-one-call.md). Otherwise (a stream's
 * first batch here, a head another daemon moved, a fenced-out append, an event stored
 * before, a user message sent with a clientMessageId) the batch is the transaction below.
 *
 * A transaction takes two round trips on one connection, each a pipeline of statements:
 * 1. create the stream rows that are missing (autocommitted, before the transaction: an
 *    empty stream row is harmless), `BEGIN`, `SELECT … FOR UPDATE` the streams' rows (by
 *    their keys once every one is cached, else by kind and name) in key order (two writers of the same streams then queue instead of deadlocking), which
 *    reads their heads, `SELECT … FOR SHARE` the lease rows of fenced appends'
 *    conversations (an append whose fence no longer holds its row is refused alone), and
 *    — only when a first attempt hit an event stored before (see {@link commit}) — read
 *    the batch's identities that are stored already, and the user messages stored under
 *    the clientMessageIds the batch opens user messages with (an append opening one held
 *    by another message is refused alone): statements of their own, whose snapshots,
 *    taken once the locks are held, include every transaction that held them before;
 * 2. one statement that inserts the new events (offsets head + 1, …), moves the heads and
 *    marks the session with the batch's token, records the batch's new user messages
 *    sent with a clientMessageId, then `COMMIT`, then — in the same
 *    pipeline, as a transaction of its own — NOTIFYs of the new heads, sent only if the
 *    session still holds the token, that is if the COMMIT took effect (a failed
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
  /**
   * Each stream's head as this daemon's last committed batch of it left it, by row key:
   * the append function's batch is placed after it, and refused if the stream moved.
   */
  readonly #heads = new Map<number, number>();
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
   * Writes the appends in one transaction, in order. The first attempt does not look up
   * the batch's identities: the unique identity index refuses an event stored before,
   * and only then is the batch written again the careful way, reading them first (a
   * retry of a stored event is rare; the lookup costs a statement and an index probe
   * per event in every batch).
   * @throws the database error; the transaction is rolled back and nothing of the batch is stored.
   */
  async commit(appends: readonly PendingAppend[]): Promise<CommittedBatch> {
    try {
      return await this.#firstAttempt(appends);
    } catch (error) {
      if (!(error instanceof postgres.PostgresError && error.code === UNIQUE_VIOLATION)) throw error;
      if (error.constraint_name !== IDENTITY_INDEX) throw error;
      return this.#attempt(appends, true);
    }
  }

  /**
   * In one call of the schema's append function when this daemon knows every stream's key
   * and head; else, or when the function refuses the batch (a head moved, a fenced
   * conversation is held by another daemon: it then stores nothing), in the transaction
   * that reads the heads under lock and refuses fenced-out appends alone.
   */
  async #firstAttempt(appends: readonly PendingAppend[]): Promise<CommittedBatch> {
    const placed = placeFunctionBatch(appends, { keys: this.#keys, heads: this.#heads });
    if (placed !== undefined) {
      try {
        return await this.#callFunction(placed);
      } catch (error) {
        const code = error instanceof postgres.PostgresError ? error.code : undefined;
        if (code !== FENCED_OUT && code !== HEAD_MOVED) throw error;
      }
    }
    return this.#attempt(appends, false);
  }

  /**
   * The batch in one round trip: the function's call (its own transaction) and, pipelined
   * after it, the notifications it prepared, sent only if it committed.
   */
  async #callFunction(placed: PlacedBatch): Promise<CommittedBatch> {
    this.#batches += 1;
    const token = `${this.#instance}:${this.#batches}`;
    const connection = await this.#appendSql.reserve();
    try {
      // Sent together, in this order, in one pipeline; each is a transaction of its own.
      const call = callAppendFunction(connection, this.#names, placed.batch, this.#instance, token).execute();
      const notified = notifyPrepared(connection, this.#names, token).execute().catch(warn);
      try {
        await call;
      } finally {
        await notified;
      }
    } finally {
      connection.release();
    }
    const { streamKeys, headsAfter } = placed.batch;
    for (const [index, key] of streamKeys.entries()) this.#heads.set(key, headsAfter[index] as number);
    return { results: placed.results, notices: placed.notices };
  }

  /** One transaction of the batch; `lookUp` reads its stored identities first. */
  async #attempt(appends: readonly PendingAppend[], lookUp: boolean): Promise<CommittedBatch> {
    const streams = batchStreams(appends);
    const connection = await this.#appendSql.reserve();
    try {
      const keys = this.#cachedKeys(streams.byId.keys());
      const created = keys === undefined ? createStreams(connection, this.#names, streams) : undefined;
      const [, , , lockRows, owners, storedRows, sentRows] = await settled([
        created,
        connection`BEGIN ISOLATION LEVEL READ COMMITTED`,
        // Its statements read tables that grow: planned for them as they are now, as on
        // the read connections (a plan kept from an empty table stays slow).
        connection`SET LOCAL plan_cache_mode = force_custom_plan`,
        lockStreams(connection, this.#names, streams, keys),
        lockLeaseOwners(connection, this.#names, appends),
        lookUp ? readStoredIdentities(connection, this.#names, appends) : [],
        readSentMessages(connection, this.#names, appends),
      ]);
      const locked = new Map<string, LockedStream>();
      for (const row of lockRows) {
        const id = streamIdOf(row.kind, row.name);
        const key = Number(row.key);
        const head = Number(row.head);
        this.#keys.set(id, key);
        locked.set(id, { stream: streams.byId.get(id) as StreamKey, key, before: head, head });
      }
      const stored = new Map<string, StoredEntry>();
      for (const row of storedRows) {
        const key = identityKey(streamIdOf(row.kind, row.name), row.message_id, row.block_index, row.seq);
        stored.set(key, toStoredEntry(row.envelope));
      }
      const rows: NewRows = { streams: [], offsets: [], messageIds: [], blockIndexes: [], seqs: [], envelopes: [] };
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
      const moved = [...locked.values()].filter((state) => state.head !== state.before);
      this.#batches += 1;
      const token = `${this.#instance}:${this.#batches}`;
      // Sent now, in this order, in one pipeline (postgres.js sends a statement once it is
      // executed or first awaited). COMMIT of a transaction whose write failed only rolls
      // it back; settled() still throws the write's error. What the notifying statement
      // does not deliver is not the append's failure.
      const write = moved.length > 0 ? writeRows(connection, this.#names, rows, moved, token).execute() : undefined;
      const recordSent =
        sent.added.length > 0 ? insertSentMessages(connection, this.#names, sent.added).execute() : undefined;
      const commit = connection`COMMIT`.execute();
      const notified =
        moved.length > 0
          ? notifyHeads(connection, this.#names, this.#instance, moved, token).execute().catch(warn)
          : undefined;
      const committed = settled([write, recordSent, commit]);
      try {
        await committed;
      } finally {
        await notified;
      }
      for (const state of locked.values()) this.#heads.set(state.key, state.head);
      const notices = moved.map((state) => ({
        stream: state.stream,
        head: state.head as Offset,
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
    state.head += 1;
    const envelope = envelopeText(draft.body, state.head);
    rows.streams.push(state.key);
    rows.offsets.push(state.head);
    rows.messageIds.push(identity?.messageId ?? null);
    rows.blockIndexes.push(identity?.blockIndex ?? null);
    rows.seqs.push(identity?.seq ?? null);
    rows.envelopes.push(envelope);
    const entry: StoredEntry = { offset: state.head as Offset, type: draft.type, json: envelope };
    if (key !== undefined) stored.set(key, entry);
    const group = entries.get(state.key);
    if (group === undefined) entries.set(state.key, [entry]);
    else group.push(entry);
    return entry;
  }
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
