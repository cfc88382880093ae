import type { EventTail } from './event-tail.ts';
import { decodePositions } from './run-positions.ts';
import type { SqliteStatements } from './sqlite-statements.ts';

/**
 * Reads a stream's stored envelopes after `afterOffset`, at most `limit`, in offset
 * order: offsets before the stream's first tail event from the indexed runs (one
 * statement for the runs, one for their log rows), the rest from the tail in memory.
 * Only committed events: what a transaction in progress wrote is in neither.
 */
export function readStreamEnvelopes(
  statements: SqliteStatements,
  tail: EventTail,
  stream: number,
  afterOffset: number,
  limit: number,
): string[] {
  const firstInTail = tail.firstOffset(stream) ?? Number.POSITIVE_INFINITY;
  const envelopes: string[] = [];
  if (afterOffset + 1 < firstInTail) {
    const positions: number[] = [];
    // A run holds at least one event, so `limit` runs are always enough.
    const runs = statements.readRuns.all(stream, afterOffset, limit) as unknown as [number, string][];
    for (const [firstOffset, encoded] of runs) {
      const skip = Math.max(0, afterOffset + 1 - firstOffset);
      for (const position of decodePositions(encoded, skip, limit - positions.length)) positions.push(position);
      if (positions.length >= limit) break;
    }
    if (positions.length > 0) {
      const rows = statements.readLog.all(JSON.stringify(positions)) as unknown as [string][];
      for (const [envelope] of rows) envelopes.push(envelope);
    }
  }
  if (envelopes.length < limit) {
    // Indexed offsets are gapless, so the tail goes on right after the last one read.
    for (const envelope of tail.read(stream, afterOffset + envelopes.length, limit - envelopes.length)) {
      envelopes.push(envelope);
    }
  }
  return envelopes;
}
