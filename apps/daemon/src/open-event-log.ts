import { join } from 'node:path';
import { openPostgresEventLog } from '@once/postgres';
import { OnceError } from '@once/protocol';
import { type EventLog, openSqliteEventLog } from '@once/server';

/** Where the daemon keeps its log, and how it commits. */
export interface EventLogSettings {
  /** The data directory; the SQLite log is `once.db` in it. */
  readonly dataDir: string;
  /** A postgres:// URL puts the log in PostgreSQL instead (its `?schema=` names the schema; default `once`). */
  readonly databaseUrl?: string;
  /** Longest wait before a group commit, in ms. */
  readonly commitDelayMs: number;
}

/** The store a daemon's log is in, for its ready line (never the URL: it may hold a password). */
export type EventLogStore = 'sqlite' | 'postgresql';

/**
 * Opens the daemon's event log: SQLite in the data directory by default, PostgreSQL when
 * a database URL is set (several daemons may then share one database).
 * @throws OnceError `unavailable` when PostgreSQL cannot be reached or refuses the schema.
 */
export async function openEventLog(settings: EventLogSettings): Promise<{ log: EventLog; store: EventLogStore }> {
  if (settings.databaseUrl === undefined) {
    return {
      log: openSqliteEventLog({ path: join(settings.dataDir, 'once.db'), maxDelayMs: settings.commitDelayMs }),
      store: 'sqlite',
    };
  }
  try {
    const log = await openPostgresEventLog({ url: settings.databaseUrl, maxDelayMs: settings.commitDelayMs });
    return { log, store: 'postgresql' };
  } catch (error) {
    throw new OnceError(
      'unavailable',
      `Could not open the event log in PostgreSQL at ${withoutPassword(settings.databaseUrl)}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the given URL';
  }
}
