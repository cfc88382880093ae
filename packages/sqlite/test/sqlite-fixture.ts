import { createTemporaryLogFixture } from '@once/testing';
import { openSqliteEventLog, type SqliteEventLogOptions } from '../src/index.ts';

/** A SQLite event log in a fresh temporary directory, removed again by `cleanup`. */
export function createSqliteFixture(options: Omit<SqliteEventLogOptions, 'path'> = {}) {
  return createTemporaryLogFixture((path) => openSqliteEventLog({ ...options, path }));
}

/** SQL that takes layout 5's messages.sent_as out of a file, leaving one of layout 4. */
export const WITHOUT_SENT_AS = 'DROP INDEX messages_sent_as; ALTER TABLE messages DROP COLUMN sent_as;';
