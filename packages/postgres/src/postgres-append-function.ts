import type { ReservedSql } from 'postgres';
import { ENVELOPE_SEPARATOR, type NewRows } from './postgres-append-statements.ts';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

// Calls of the schema's append function (postgres-append-function-definition.ts), sent
// by PostgresAppender on one reserved connection.

/**
 * A batch for {@link callAppendFunction}: its new `events` rows (the envelopes sent as one
 * text, joined by {@link ENVELOPE_SEPARATOR}), the messages it opens, and its streams'
 * heads and fences.
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
export function callAppendFunction(connection: ReservedSql, names: SchemaNames, batch: FunctionBatch, token: string) {
  return connection.unsafe(
    `SELECT ${names.appendFunction}($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text,
       $7::bigint[], $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text)`,
    [
      batch.streamKeys,
      batch.headsBefore,
      batch.headsAfter,
      batch.streams,
      batch.offsets,
      batch.envelopes.join(ENVELOPE_SEPARATOR),
      batch.messages.streams,
      batch.messages.ids,
      batch.messages.firstOffsets,
      batch.fencedConversations,
      batch.fenceOwners,
      token,
    ],
    PREPARED,
  );
}
