import { type StreamKey, streamId, streamName } from '@once/log';
import type { ReservedSql } from 'postgres';
import { encodeCommitPayloads } from './commit-payload.ts';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

// The statements of an append transaction (docs/decisions/004 and 018), built from the
// schema's table names and sent by PostgresAppender on one reserved connection.

/**
 * Separates the envelopes of a batch, sent as one text: U+001E (record separator). An
 * envelope is JSON from `JSON.stringify`, which writes every character below U+0020 as an
 * escape (`\u001e`), so the character itself never occurs in one. Sent as a `text[]`
 * instead, each envelope would be escaped for PostgreSQL's array syntax (a backslash
 * before each of its many quotes) by postgres.js and unescaped again by PostgreSQL,
 * character by character on both sides; `string_to_array` only looks for the separator.
 * (Were one ever there, the split would yield a row more than the other columns, with no
 * stream, which the table refuses: the batch would fail, not be stored askew.)
 */
export const ENVELOPE_SEPARATOR = '\u001e';

/** The streams of a batch, by {@link streamId}, with their names as two parallel columns. */
export interface BatchStreams {
  readonly byId: ReadonlyMap<string, StreamKey>;
  readonly kinds: string[];
  readonly names: string[];
}

/** The new `messages` rows of a transaction: each message it stores a first event of. */
export interface NewMessages {
  readonly streams: number[];
  readonly ids: string[];
  readonly firstOffsets: number[];
}

/** The columns of the new `events` rows of a transaction, for one multi-row insert, and its new messages. */
export interface NewRows {
  readonly streams: number[];
  readonly offsets: number[];
  readonly envelopes: string[];
  readonly messages: NewMessages;
}

/** Rows with nothing in them yet. */
export function emptyRows(): NewRows {
  return { streams: [], offsets: [], envelopes: [], messages: { streams: [], ids: [], firstOffsets: [] } };
}

/** A stream row locked by {@link lockStreams}; bigints come back as text. */
export interface LockedStreamRow {
  readonly key: string;
  readonly kind: string;
  readonly name: string;
  readonly head: string;
}

/** A stream whose head a batch moved: its row key and its new head. */
export interface MovedHead {
  readonly stream: StreamKey;
  readonly key: number;
  readonly head: number;
}

/** The distinct streams of a batch's appends, in the order they first appear. */
export function batchStreams(appends: readonly { readonly stream: StreamKey }[]): BatchStreams {
  const byId = new Map<string, StreamKey>();
  const kinds: string[] = [];
  const names: string[] = [];
  for (const { stream } of appends) {
    const id = streamId(stream);
    if (byId.has(id)) continue;
    byId.set(id, stream);
    const { kind, name } = streamName(stream);
    kinds.push(kind);
    names.push(name);
  }
  return { byId, kinds, names };
}

/** Creates the streams' rows that are missing; another daemon may create one meanwhile. */
export function createStreams(connection: ReservedSql, names: SchemaNames, streams: BatchStreams) {
  return connection.unsafe(
    `INSERT INTO ${names.streams} (kind, name) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (kind, name) DO NOTHING`,
    [streams.kinds, streams.names],
    PREPARED,
  );
}

/**
 * Locks the streams' rows for the transaction, in key order, and reads their heads. By
 * their keys when `keys` (every stream's, as cached: a stream's key never changes), which
 * finds each row by the primary key and sends no names; else by kind and name. Measured
 * side by side at 1 event a call: 3–4 µs less of PostgreSQL's CPU an event by key.
 */
export function lockStreams(
  connection: ReservedSql,
  names: SchemaNames,
  streams: BatchStreams,
  keys: readonly number[] | undefined,
) {
  if (keys !== undefined) {
    return connection.unsafe<LockedStreamRow[]>(
      `SELECT key, kind, name, head FROM ${names.streams} WHERE key = ANY($1::bigint[]) ORDER BY key FOR UPDATE`,
      [keys],
      PREPARED,
    );
  }
  return connection.unsafe<LockedStreamRow[]>(
    `SELECT key, kind, name, head FROM ${names.streams}
     WHERE (kind, name) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY key FOR UPDATE`,
    [streams.kinds, streams.names],
    PREPARED,
  );
}

/**
 * Inserts the new rows (their envelopes joined by {@link ENVELOPE_SEPARATOR}, `chr(30)`)
 * and messages, moves the heads, and sets the session setting `once.commit` to `token`,
 * in one statement. A setting set in a transaction that does not commit returns to its
 * value before.
 */
export function writeRows(
  connection: ReservedSql,
  names: SchemaNames,
  rows: NewRows,
  heads: readonly MovedHead[],
  token: string,
) {
  // Data-modifying CTEs run whether or not the final SELECT reads them.
  return connection.unsafe(
    `WITH inserted AS (
       INSERT INTO ${names.events} (stream, stream_offset, envelope)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], string_to_array($3::text, chr(30)))
     ), opened AS (
       INSERT INTO ${names.messages} (stream, message_id, first_offset)
       SELECT * FROM unnest($4::bigint[], $5::text[], $6::bigint[])
     ), moved AS (
       UPDATE ${names.streams} AS s SET head = m.head
       FROM unnest($7::bigint[], $8::bigint[]) AS m (key, head) WHERE s.key = m.key
     )
     SELECT set_config('once.commit', $9::text, false)`,
    [
      rows.streams,
      rows.offsets,
      rows.envelopes.join(ENVELOPE_SEPARATOR),
      rows.messages.streams,
      rows.messages.ids,
      rows.messages.firstOffsets,
      heads.map((moved) => moved.key),
      heads.map((moved) => moved.head),
      token,
    ],
    PREPARED,
  );
}

/**
 * Notifications of the moved streams' heads (`{"from":<log instance>,"heads":[[kind,
 * name, head], …]}` on the schema's channel, as few payloads as fit), in a transaction
 * of its own, sent only if the session's `once.commit` is `token`: the batch's
 * transaction committed. Without fsync: a notification is not stored anyway.
 */
export function notifyHeads(
  connection: ReservedSql,
  names: SchemaNames,
  instance: string,
  heads: readonly { readonly stream: StreamKey; readonly head: number }[],
  token: string,
) {
  const payloads = encodeCommitPayloads(
    instance,
    heads.map((moved) => ({ ...streamName(moved.stream), head: moved.head })),
  );
  return connection.unsafe(
    // The payloads as one text, joined by the separator the envelopes use (JSON holds it
    // only escaped): as a text[] each quote of theirs would be escaped and unescaped again.
    `SELECT pg_notify($1, payload) FROM unnest(string_to_array($2::text, chr(30))) AS payload
     WHERE current_setting('once.commit', true) = $3::text
       AND set_config('synchronous_commit', 'off', true) IS NOT NULL`,
    [names.channel, payloads.join(ENVELOPE_SEPARATOR), token],
    PREPARED,
  );
}
