import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLogFixture } from '@once/testing';
import { openSqliteEventLog, type SqliteEventLog, type SqliteEventLogOptions } from '../src/index.ts';

/** A SQLite event log in a fresh temporary directory, removed again by `cleanup`. */
export async function createSqliteFixture(
  options: Omit<SqliteEventLogOptions, 'path'> = {},
): Promise<EventLogFixture & { readonly log: SqliteEventLog; readonly path: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'once-event-log-'));
  const path = join(directory, 'events.db');
  const opened: SqliteEventLog[] = [];
  const open = () => {
    const log = openSqliteEventLog({ ...options, path });
    opened.push(log);
    return log;
  };
  return {
    log: open(),
    path,
    reopen: async () => open(),
    cleanup: async () => {
      await Promise.allSettled(opened.map((log) => log.close()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
