import type { DatabaseSync } from 'node:sqlite';
import { extendRegion, planCompaction, type StoredEntry, toStoredEntry } from '@once/log';
import type { SqliteStatements } from './sqlite-statements.ts';
import type { readStreamRows } from './sqlite-stream-reader.ts';
import { beginWrite } from './sqlite-write-lock.ts';

/** Rows read at a time while finding the region the messages span. */
const REGION_PAGE = 1_000;

/** A stored entry and the log row it is at. */
interface PlacedEntry extends StoredEntry {
  readonly position: number;
}

/**
 * Compacts messages of one stream (docs/decisions/021-compaction.md) in one write
 * transaction: reads the region from the first listed message's first event to the last
 * one's `message_complete`, plans with `planCompaction`, deletes the removed rows and
 * rewrites the marked ones. The `runs` index is left as it was: a read skips positions
 * whose row is gone. Every event of the region must be indexed (none in the tail), since
 * the tail read back on open expects its rows without holes; the caller indexes first.
 *
 * @returns How many events were removed, or `busy` when another connection holds the
 *   write lock (nothing changed; try again).
 * @throws the SQLite error of a failed transaction, rolled back.
 */
export function compactSqliteStream(
  database: DatabaseSync,
  statements: SqliteStatements,
  readRows: (afterOffset: number, limit: number) => ReturnType<typeof readStreamRows>,
  stream: number,
  messageIds: readonly string[],
): number | 'busy' {
  const ids = new Set<string>();
  let regionStart = Number.POSITIVE_INFINITY;
  for (const messageId of new Set(messageIds)) {
    const found = statements.findMessage.get(stream, messageId) as { firstOffset: number | null } | undefined;
    if (found === undefined) continue;
    ids.add(messageId);
    regionStart = Math.min(regionStart, found.firstOffset ?? 1);
  }
  if (ids.size === 0) return 0;
  if (!beginWrite(database)) return 'busy';
  try {
    const region = readRegion(readRows, regionStart - 1, ids);
    const plan = planCompaction(region, ids);
    const positions = new Map(region.map((entry) => [entry.offset, entry.position]));
    statements.deleteLog.run(JSON.stringify(plan.removed.map((offset) => positions.get(offset))));
    for (const entry of plan.marked) statements.rewriteLog.run(entry.json, positions.get(entry.offset) ?? -1);
    database.exec('COMMIT');
    return plan.removed.length;
  } catch (error) {
    if (database.isTransaction) database.exec('ROLLBACK');
    throw error;
  }
}

/**
 * The stream's entries after `afterOffset` until each listed message's `message_complete`
 * was read (or the stream ended), with their positions.
 */
function readRegion(
  readRows: (afterOffset: number, limit: number) => ReturnType<typeof readStreamRows>,
  afterOffset: number,
  messageIds: ReadonlySet<string>,
): PlacedEntry[] {
  const region: PlacedEntry[] = [];
  const open = new Set(messageIds);
  let after = afterOffset;
  for (;;) {
    const rows = readRows(after, REGION_PAGE);
    const page = rows.map(([position, envelope]) => ({ ...toStoredEntry(envelope), position }));
    if (extendRegion(region, page, open) || rows.length < REGION_PAGE) break;
    after = region[region.length - 1]?.offset ?? after;
  }
  return region;
}

/**
 * Deletes every log row of one stream (retention), a page of positions at a time, and its
 * stored snapshot, in one write transaction. The `runs` rows stay, so the head stays and offsets are never reused;
 * reads skip the positions whose rows are gone.
 *
 * @returns How many events were removed, or `busy` when another connection holds the
 *   write lock (nothing changed; try again).
 */
export function removeSqliteStream(
  database: DatabaseSync,
  statements: SqliteStatements,
  readRows: (afterOffset: number, limit: number) => ReturnType<typeof readStreamRows>,
  stream: number,
): number | 'busy' {
  if (!beginWrite(database)) return 'busy';
  try {
    // Its stored snapshot goes too, and the record of its sent messages: nothing is left to read them for.
    database.prepare('DELETE FROM snapshots WHERE stream = ?').run(stream);
    database.prepare('UPDATE messages SET sent_as = NULL WHERE stream = ? AND sent_as IS NOT NULL').run(stream);
    let removed = 0;
    // Each page starts after the last offset read: the rows already deleted are skipped.
    for (let after = 0; ; ) {
      const rows = readRows(after, REGION_PAGE);
      if (rows.length === 0) break;
      statements.deleteLog.run(JSON.stringify(rows.map(([position]) => position)));
      removed += rows.length;
      after = toStoredEntry(rows[rows.length - 1]?.[1] ?? '{}').offset;
    }
    database.exec('COMMIT');
    return removed;
  } catch (error) {
    if (database.isTransaction) database.exec('ROLLBACK');
    throw error;
  }
}
