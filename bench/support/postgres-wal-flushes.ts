// WAL flushes (fsyncs of the WAL) the PostgreSQL server made, from pg_stat_wal (PostgreSQL
// 14+): the whole server's, so other sessions count too. With synchronous_commit on, every
// commit waits for a flush that covers its commit record, so events per flush says how
// much of the commit cost a batch shares (docs/decisions/033).
import postgres from 'postgres';

/** Reads the server's count of WAL flushes. */
export interface WalFlushes {
  /** Flushes so far (pg_stat_wal.wal_sync); undefined when the server does not report them. */
  count(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Opens a connection of its own to read pg_stat_wal. */
export function walFlushes(url: string): WalFlushes {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  return {
    async count() {
      try {
        const [row] = await sql.unsafe<{ flushes: string }[]>('SELECT wal_sync AS flushes FROM pg_stat_wal');
        return row === undefined ? undefined : Number(row.flushes);
      } catch {
        // PostgreSQL before 14 has no pg_stat_wal.
        return undefined;
      }
    },
    close: () => sql.end({ timeout: 1 }),
  };
}
