import type { ReservedSql } from 'postgres';
import { ENVELOPE_SEPARATOR, type NewRows } from './postgres-append-statements.ts';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

// Calls of the schema's append function (postgres-append-function-definition.ts), sent
// by PostgresAppender on one reserved connection.

/**
 * A batch for {@link callAppendFunction}: its new `events` rows (the envelopes sent as one
 * text, joined by {@link ENVELOPE_SEPARATOR}), and its streams' heads and fences.
 */
export interface FunctionBatch extends NewRows {
  /** The batch's streams, in key order, with their heads before and after the batch. */
  readonly streamKeys: number[];
  readonly headsBefore: number[];
  readonly headsAfter: number[];
  /** The conversations of fenced appends, and the owner each fence names. */
  readonly fencedConversations: string[];
  readonly fenceOwners: string[];
}

/**
 * Calls the schema's append function: one statement, its own transaction (autocommitted).
 * Returned unsent: postgres.js sends it when executed or first awaited.
 */
export function callAppendFunction(
  connection: ReservedSql,
  names: SchemaNames,
  batch: FunctionBatch,
  instance: string,
  token: string,
) {
  return connection.unsafe(
    `SELECT ${names.appendFunction}($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],
       $6::text[], $7::bigint[], $8::bigint[], $9::text, $10::text[], $11::text[], $12::text, $13::text)`,
    [
      batch.streamKeys,
      batch.headsBefore,
      batch.headsAfter,
      batch.streams,
      batch.offsets,
      batch.messageIds,
      batch.blockIndexes,
      batch.seqs,
      batch.envelopes.join(ENVELOPE_SEPARATOR),
      batch.fencedConversations,
      batch.fenceOwners,
      instance,
      token,
    ],
    PREPARED,
  );
}

/**
 * The notifications the function prepared (`once.notify`), sent only if the session's
 * `once.commit` is `token`: the function's transaction committed (a failed one leaves
 * both settings as they were). A transaction of its own, without waiting for its flush.
 */
export function notifyPrepared(connection: ReservedSql, names: SchemaNames, token: string) {
  return connection.unsafe(
    `SELECT pg_notify($1, payload)
     FROM unnest(string_to_array(current_setting('once.notify', true), chr(30))) AS payload
     WHERE current_setting('once.commit', true) = $2::text
       AND set_config('synchronous_commit', 'off', true) IS NOT NULL`,
    [names.channel, token],
    PREPARED,
  );
}
