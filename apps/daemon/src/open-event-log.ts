import { join } from 'node:path';
import {
  type AttachmentStore,
  createLocalTurnCoordination,
  type EventLog,
  type SnapshotStore,
  type TurnCoordination,
} from '@once/log';
import { OnceError } from '@once/protocol';
import { openDirectoryAttachmentStore, openSqliteEventLog } from '@once/sqlite';

/** Where the daemon keeps its log, and how it commits. */
export interface EventLogSettings {
  /** The data directory; the SQLite log is `once.db` in it. */
  readonly dataDir: string;
  /** A postgres:// URL puts the log in PostgreSQL instead (its `?schema=` names the schema; default `once`). */
  readonly databaseUrl?: string;
  /** Longest wait before a group commit, in ms. */
  readonly commitDelayMs: number;
  /** With PostgreSQL: how long a conversation's lease lasts without renewal, in ms. */
  readonly leaseMs: number;
}

/** The daemon's log, and how it agrees with other daemons on the log about running turns. */
export interface OpenedEventLog {
  /** The log, which also keeps conversations' snapshots. */
  readonly log: EventLog & SnapshotStore;
  readonly coordination: TurnCoordination;
  readonly store: EventLogStore;
  /**
   * Where the files sent with messages are kept, beside the log: `<data dir>/attachments`
   * with SQLite, tables in the log's schema with PostgreSQL (so every daemon serves them).
   */
  readonly attachments: AttachmentStore;
}

/**
 * The store a daemon's log is in, for its ready line and `GET /v1/health` (never the URL:
 * it may hold a password).
 */
export type EventLogStore = 'sqlite' | 'postgres';

/**
 * Opens the daemon's event log: SQLite in the data directory by default, PostgreSQL when
 * a database URL is set (several daemons may then share one database, taking turns per
 * conversation through leases in it).
 * @throws OnceError `unavailable` when PostgreSQL cannot be reached or refuses the schema.
 */
export async function openEventLog(settings: EventLogSettings): Promise<OpenedEventLog> {
  if (settings.databaseUrl === undefined) {
    const attachments = await openDirectoryAttachmentStore({ directory: join(settings.dataDir, 'attachments') });
    return {
      log: openSqliteEventLog({ path: join(settings.dataDir, 'once.db'), maxDelayMs: settings.commitDelayMs }),
      coordination: createLocalTurnCoordination(),
      store: 'sqlite',
      attachments,
    };
  }
  try {
    // Loaded only when used: its driver is a tenth of an SQLite daemon's start-up.
    const { openPostgresAttachmentStore, openPostgresEventLog, openPostgresTurnCoordination } = await import(
      '@once/postgres'
    );
    const log = await openPostgresEventLog({ url: settings.databaseUrl, maxDelayMs: settings.commitDelayMs });
    try {
      const coordination = await openPostgresTurnCoordination({ url: settings.databaseUrl, leaseMs: settings.leaseMs });
      try {
        const attachments = await openPostgresAttachmentStore({ url: settings.databaseUrl });
        return { log, coordination, store: 'postgres', attachments };
      } catch (error) {
        await coordination.close();
        throw error;
      }
    } catch (error) {
      await log.close();
      throw error;
    }
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
