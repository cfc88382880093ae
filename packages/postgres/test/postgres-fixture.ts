import type { EventLogFixture } from '@once/testing';
import { createPostgresTestSchema } from '@once/testing';
import { openPostgresEventLog, type PostgresEventLog, type PostgresEventLogOptions } from '../src/index.ts';

/** A PostgreSQL event log in a schema of its own, dropped again by `cleanup`. */
export async function createPostgresFixture(options: Omit<PostgresEventLogOptions, 'url'> = {}): Promise<
  Omit<EventLogFixture, 'reopen'> & {
    readonly log: PostgresEventLog;
    readonly url: string;
    open(): Promise<PostgresEventLog>;
    reopen(): Promise<PostgresEventLog>;
  }
> {
  const database = await createPostgresTestSchema();
  const opened: PostgresEventLog[] = [];
  const open = async () => {
    const log = await openPostgresEventLog({ ...options, url: database.url });
    opened.push(log);
    return log;
  };
  try {
    return {
      log: await open(),
      url: database.url,
      open,
      reopen: open,
      cleanup: async () => {
        await Promise.allSettled(opened.map((log) => log.close()));
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
