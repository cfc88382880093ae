import { planCompaction, toStoredEntry } from '@once/log';
import type { Sql } from 'postgres';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

/**
 * Compacts messages of one stream (docs/decisions/021-compaction.md) in one transaction:
 * reads the region from the first listed message's first event to the last one's last
 * event, plans with `planCompaction`, deletes the removed rows and rewrites the marked
 * ones. A transaction-scoped advisory lock per stream keeps two daemons from compacting
 * the same conversation at once (appends do not take it: they never touch the region, whose
 * messages are complete).
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
    const rows = await transaction.unsafe<{ stream_offset: string; envelope: string }[]>(
      `WITH span AS (
         SELECT min(stream_offset) AS first, max(stream_offset) AS last FROM ${names.events}
         WHERE stream = $1 AND message_id = ANY($2::text[])
       )
       SELECT e.stream_offset, e.envelope FROM ${names.events} e, span
       WHERE e.stream = $1 AND e.stream_offset BETWEEN span.first AND span.last
       ORDER BY e.stream_offset`,
      [stream, ids],
      PREPARED,
    );
    const plan = planCompaction(
      rows.map((row) => toStoredEntry(row.envelope)),
      new Set(ids),
    );
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
