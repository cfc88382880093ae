import type { EventTail } from './event-tail.ts';
import { decodePositions } from './run-positions.ts';
import type { SqliteStatements } from './sqlite-statements.ts';

/** A `log` row: its position and the envelope stored there. */
export type LogRow = readonly [position: number, envelope: string];

/**
 * Reads a stream's stored envelopes after `afterOffset`, at most `limit`, in offset
 * order; see {@link readStreamRows}.
 */
export function readStreamEnvelopes(
  statements: SqliteStatements,
  tail: EventTail,
  stream: number,
  afterOffset: number,
  limit: number,
): string[] {
  return readStreamRows(statements, tail, stream, afterOffset, limit).map(([, envelope]) => envelope);
}

/**
 * Reads a stream's log rows after `afterOffset`, at most `limit`, in offset order. Their
 * positions come from the indexed runs for offsets before the stream's first tail event,
 * and from the tail in memory for the rest; then one statement reads those rows. Only
 * committed events: what a transaction in progress wrote is in neither. Compaction
 * deletes rows and leaves the runs as they were, so a position may find no row: the read
 * then goes on with the next offsets until it has `limit` rows or the stream ends.
 */
export function readStreamRows(
  statements: SqliteStatements,
  tail: EventTail,
  stream: number,
  afterOffset: number,
  limit: number,
): LogRow[] {
  const rows: LogRow[] = [];
  let after = afterOffset;
  while (rows.length < limit) {
    const positions = positionsAfter(statements, tail, stream, after, limit - rows.length);
    if (positions.length === 0) break;
    for (const row of readRowsAt(statements, positions)) rows.push(row);
    // One position per offset, deleted or not.
    after += positions.length;
  }
  return rows;
}

/** The positions of the `limit` offsets after `afterOffset` (fewer at the stream's end). */
function positionsAfter(
  statements: SqliteStatements,
  tail: EventTail,
  stream: number,
  afterOffset: number,
  limit: number,
): number[] {
  const firstInTail = tail.firstOffset(stream) ?? Number.POSITIVE_INFINITY;
  const positions: number[] = [];
  if (afterOffset + 1 < firstInTail) {
    // A run holds at least one event, so `limit` runs are always enough.
    const runs = statements.readRuns.all(stream, afterOffset, limit) as unknown as [number, string][];
    for (const [firstOffset, encoded] of runs) {
      const skip = Math.max(0, afterOffset + 1 - firstOffset);
      for (const position of decodePositions(encoded, skip, limit - positions.length)) positions.push(position);
      if (positions.length >= limit) break;
    }
  }
  if (positions.length < limit) {
    // Indexed offsets are gapless, so the tail goes on right after the last one found.
    for (const position of tail.positionsAfter(stream, afterOffset + positions.length, limit - positions.length)) {
      positions.push(position);
    }
  }
  return positions;
}

/** The envelopes of the log rows at `positions` (ascending), in that order. */
export function readEnvelopesAt(statements: SqliteStatements, positions: readonly number[]): string[] {
  return readRowsAt(statements, positions).map(([, envelope]) => envelope);
}

/** The log rows at `positions` (ascending) that exist, in that order. */
function readRowsAt(statements: SqliteStatements, positions: readonly number[]): LogRow[] {
  if (positions.length === 0) return [];
  return statements.readLog.all(JSON.stringify(positions)) as unknown as [number, string][];
}
