import { openPostgresEventLog } from '@once/postgres';
import type { IncomingEvent } from '@once/protocol';
import { readAll } from '@once/testing';

/** The lease of the tests' daemons: short, so that a dead daemon's turn is taken over quickly. */
export const TEST_LEASE_MS = 1_000;

/**
 * The flags of a daemon on a shared PostgreSQL schema: the database, the tests' lease,
 * and the demo model's pace (`tokens` tokens `delayMs` apart; 600 tokens 5 ms apart
 * stream for about three seconds).
 */
export function postgresDaemonFlags(databaseUrl: string, delayMs = 5, tokens = 600): string[] {
  return [
    '--database-url',
    databaseUrl,
    '--lease-ms',
    String(TEST_LEASE_MS),
    '--demo-delay-ms',
    String(delayMs),
    '--demo-tokens',
    String(tokens),
  ];
}

/** Every event the PostgreSQL schema holds for a conversation, read without any daemon. */
export async function storedEvents(databaseUrl: string, conversationId: string): Promise<IncomingEvent[]> {
  const log = await openPostgresEventLog({ url: databaseUrl });
  try {
    return (await readAll(log, { stream: 'conversation', conversationId })) as IncomingEvent[];
  } finally {
    await log.close();
  }
}
