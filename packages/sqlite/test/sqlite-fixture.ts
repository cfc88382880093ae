import { createTemporaryLogFixture } from '@once/testing';
import { openSqliteEventLog, type SqliteEventLogOptions } from '../src/index.ts';

/** A SQLite event log in a fresh temporary directory, removed again by `cleanup`. */
export function createSqliteFixture(options: Omit<SqliteEventLogOptions, 'path'> = {}) {
  return createTemporaryLogFixture((path) => openSqliteEventLog({ ...options, path }));
}
