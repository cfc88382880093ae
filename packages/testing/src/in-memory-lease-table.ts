import { setImmediate, setTimeout } from 'node:timers/promises';
import type { ConversationLeases } from '@once/log';

/** Leases of several owners (daemons) in one process's memory, as a database would keep them. */
export interface InMemoryLeaseTable {
  /** The leases as one owner sees them: `owner` is its id. */
  leasesFor(owner: string): ConversationLeases;
}

/** Options of {@link createInMemoryLeaseTable}. */
export interface InMemoryLeaseTableOptions {
  /** How long a lease lasts without renewal, in ms. */
  readonly ttlMs: number;
  /** The table's clock, in ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Each operation takes a random time up to this long, in ms, as a round trip would. Default 0 (the next event-loop turn). */
  readonly maxLatencyMs?: number;
}

/**
 * A fake of the PostgreSQL lease table for tests of several services sharing one log in
 * one process. Each operation waits first, as a round trip would, so that concurrent
 * callers interleave.
 */
export function createInMemoryLeaseTable(options: InMemoryLeaseTableOptions): InMemoryLeaseTable {
  const now = options.now ?? Date.now;
  const maxLatencyMs = options.maxLatencyMs ?? 0;
  const nextTurn = () =>
    maxLatencyMs === 0 ? setImmediate() : setTimeout(Math.floor(Math.random() * (maxLatencyMs + 1)));
  const rows = new Map<string, { owner: string; expiresAt: number }>();
  return {
    leasesFor(owner) {
      return {
        owner,
        ttlMs: options.ttlMs,
        async acquire(conversationId) {
          await nextTurn();
          const row = rows.get(conversationId);
          if (row !== undefined && row.owner !== owner && row.expiresAt > now()) return false;
          rows.set(conversationId, { owner, expiresAt: now() + options.ttlMs });
          return true;
        },
        async renew(conversationIds) {
          await nextTurn();
          const kept = new Set<string>();
          for (const conversationId of conversationIds) {
            const row = rows.get(conversationId);
            if (row?.owner !== owner) continue;
            row.expiresAt = now() + options.ttlMs;
            kept.add(conversationId);
          }
          return kept;
        },
        async release(conversationId) {
          await nextTurn();
          if (rows.get(conversationId)?.owner === owner) rows.delete(conversationId);
        },
        async lapsed() {
          await nextTurn();
          return [...rows].filter(([, row]) => row.expiresAt <= now()).map(([conversationId]) => conversationId);
        },
      };
    },
  };
}
