import type { TurnCoordination } from '@once/log';
import postgres from 'postgres';
import { splitDatabaseUrl } from './database-url.ts';
import { IDLE_IN_TRANSACTION_TIMEOUT_MS } from './open-postgres-event-log.ts';
import { PostgresConversationLeases } from './postgres-conversation-leases.ts';
import { DEFAULT_SCHEMA, preparePostgresSchema, schemaNames } from './postgres-schema.ts';
import { createPostgresSendLock } from './postgres-send-lock.ts';
import { listenPostgresTurnCommands } from './postgres-turn-commands.ts';

/** Options of {@link openPostgresTurnCoordination}. */
export interface PostgresTurnCoordinationOptions {
  /** The log's database URL; its `?schema=` names the schema, as for the log. */
  readonly url: string;
  /** PostgreSQL schema; wins over the URL's. Default: the URL's `schema`, else `once`. */
  readonly schema?: string;
  /** How long a lease lasts without renewal, in ms; holders renew every third of it. Default 5000. */
  readonly leaseMs?: number;
  /** Most connections for leases and commands. Default 4. */
  readonly maxConnections?: number;
  /**
   * Most sends holding their conversation's lock at once, each on a connection of its own
   * (more wait their turn). Default 8.
   */
  readonly maxSendLocks?: number;
}

/** Default lease length, in ms: a dead daemon's conversations are taken over within about this. */
export const DEFAULT_LEASE_MS = 5_000;

/**
 * Opens the coordination of daemons sharing one PostgreSQL schema: a lease per
 * conversation (who runs its turns), a send lock (one send at a time per conversation
 * across daemons), and cancels and approval decisions delivered by NOTIFY. It has its own small connection pool, so a log busy
 * committing never delays a lease renewal. See docs/decisions/007-turn-leases-across-daemons.md.
 */
export async function openPostgresTurnCoordination(
  options: PostgresTurnCoordinationOptions,
): Promise<TurnCoordination> {
  const { url, schema: fromUrl } = splitDatabaseUrl(options.url);
  const names = schemaNames(options.schema ?? fromUrl ?? DEFAULT_SCHEMA);
  const sql = postgres(url, {
    max: options.maxConnections ?? 4,
    onnotice: () => {},
    connection: { application_name: 'once-coordination' },
  });
  // The send locks have a pool of their own: a send holds a lock's connection while it
  // takes the conversation's lease (through the pool above) and stores its message (the
  // log's pool). Sharing one pool, a few sends at once took every connection and each
  // waited for another one, until PostgreSQL ended a lock's transaction.
  const locks = postgres(url, {
    max: options.maxSendLocks ?? 8,
    onnotice: () => {},
    connection: {
      application_name: 'once-send-lock',
      // A send holds a transaction (and its advisory lock) while the log stores its
      // message; a daemon frozen there must not block sends to that conversation for good.
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
  });
  const end = (timeout: number) => Promise.all([sql.end({ timeout }), locks.end({ timeout })]).then(() => undefined);
  try {
    await preparePostgresSchema(sql, names);
    return {
      leases: new PostgresConversationLeases(sql, names, options.leaseMs ?? DEFAULT_LEASE_MS),
      // Three keep-alives a timeout: a send slowed by a loaded machine keeps its lock.
      sendLock: createPostgresSendLock(locks, names, IDLE_IN_TRANSACTION_TIMEOUT_MS / 3),
      commands: await listenPostgresTurnCommands(sql, names),
      // No UNLISTEN first: it would wait for a connection when the database is gone.
      close: () => end(5),
    };
  } catch (error) {
    await end(1);
    throw error;
  }
}
