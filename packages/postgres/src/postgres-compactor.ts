import { extendRegion, planCompaction, type StoredEntry, toStoredEntry } from '@once/log';
import type { Sql, TransactionSql } from 'postgres';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

/** Events read at a time while finding the region the messages span. */
const REGION_PAGE = 1_000;

/**
 * Compacts messages of one stream (docs/decisions/021-compaction.md) in one transaction:
 * reads the region from the first listed message's first event (its `messages` row) to the
 * last one's `message_complete`, plans with `planCompaction`, deletes the removed rows and
 * rewrites the marked ones. A transaction-scoped advisory lock per stream keeps two daemons
 * from compacting the same conversation at once (appends do not take it: they never touch
 * the region, whose messages are complete).
 *
 * @returns How many events were removed.
 */
export async function compactPostgresStream(
  sql: Sql,
  names: SchemaNames,
  stream: number,
  messageIds: readonly string[],
): Promise<number> {
  const ids = [...new Set(messageIds)];
  if (ids.length === 0) return 0;
  return sql.begin(async (transaction) => {
    await transaction.unsafe('SELECT pg_advisory_xact_lock(hashtext($1))', [`once-compact:${names.schema}:${stream}`]);
    const found = await transaction.unsafe<{ message_id: string; first_offset: string }[]>(
      `SELECT message_id, first_offset FROM ${names.messages} WHERE stream = $1 AND message_id = ANY($2::text[])`,
      [stream, ids],
      PREPARED,
    );
    if (found.length === 0) return 0;
    const start = Math.min(...found.map((row) => Number(row.first_offset)));
    const listed = new Set(found.map((row) => row.message_id));
    const region = await readRegion(transaction, names, stream, start - 1, listed);
    const plan = planCompaction(region, listed);
    if (plan.removed.length === 0) return 0;
    await transaction.unsafe(
      `DELETE FROM ${names.events} WHERE stream = $1 AND stream_offset = ANY($2::bigint[])`,
      [stream, plan.removed],
      PREPARED,
    );
    if (plan.marked.length > 0) {
      await transaction.unsafe(
        `UPDATE ${names.events} e SET envelope = m.envelope
         FROM unnest($2::bigint[], $3::text[]) AS m (stream_offset, envelope)
         WHERE e.stream = $1 AND e.stream_offset = m.stream_offset`,
        [stream, plan.marked.map((entry) => entry.offset), plan.marked.map((entry) => entry.json)],
        PREPARED,
      );
    }
    return plan.removed.length;
  });
}

/** The stream's entries after `afterOffset` until each listed message's `message_complete` was read (or the stream ended). */
async function readRegion(
  sql: TransactionSql,
  names: SchemaNames,
  stream: number,
  afterOffset: number,
  messageIds: ReadonlySet<string>,
): Promise<StoredEntry[]> {
  const region: StoredEntry[] = [];
  const open = new Set(messageIds);
  let after = afterOffset;
  for (;;) {
    const rows = await sql.unsafe<{ envelope: string }[]>(
      `SELECT envelope FROM ${names.events} WHERE stream = $1 AND stream_offset > $2 ORDER BY stream_offset LIMIT $3`,
      [stream, after, REGION_PAGE],
      PREPARED,
    );
    const page = rows.map((row) => toStoredEntry(row.envelope));
    if (extendRegion(region, page, open) || rows.length < REGION_PAGE) break;
    after = region[region.length - 1]?.offset ?? after;
  }
  return region;
}
