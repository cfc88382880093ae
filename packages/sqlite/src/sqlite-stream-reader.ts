import type { EventTail } from './event-tail.ts';
import { decodePositions } from './run-positions.ts';
import type { SqliteStatements } from './sqlite-statements.ts';

/**
 * Reads a stream's stored envelopes after `afterOffset`, at most `limit`, in offset
 * order. Their positions come from the indexed runs for offsets before the stream's
 * first tail event, and from the tail in memory for the rest; then one statement reads
 * those log rows. Only committed events: what a transaction in progress wrote is in
 * neither.
 */
export function readStreamEnvelopes(
  statements: SqliteStatements,
  tail: EventTail,
  stream: number,
  afterOffset: number,
  limit: number,
): string[] {
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
  return readEnvelopesAt(statements, positions);
}

/** The envelopes of the log rows at `positions` (ascending), in that order. */
export function readEnvelopesAt(statements: SqliteStatements, positions: readonly number[]): string[] {
  if (positions.length === 0) return [];
  const rows = statements.readLog.all(JSON.stringify(positions)) as unknown as [string][];
  return rows.map(([envelope]) => envelope);
}
