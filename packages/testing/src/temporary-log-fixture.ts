import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLog } from '@once/log';
import type { EventLogFixture } from './event-log-conformance.ts';

/**
 * A log kept in a file of a fresh temporary directory: `log` is open on it, `reopen()`
 * opens the same file again (as a restarted daemon would), and `cleanup()` closes every
 * log it opened and deletes the directory.
 *
 * @param open Opens the log stored at `path`, e.g. `(path) => openSqliteEventLog({ path })`.
 */
export async function createTemporaryLogFixture<Log extends EventLog>(
  open: (path: string) => Log,
): Promise<Omit<EventLogFixture, 'reopen'> & { readonly log: Log; readonly path: string; reopen(): Promise<Log> }> {
  const directory = await mkdtemp(join(tmpdir(), 'once-event-log-'));
  const path = join(directory, 'events.db');
  const opened: Log[] = [];
  const openTracked = () => {
    const log = open(path);
    opened.push(log);
    return log;
  };
  return {
    log: openTracked(),
    path,
    reopen: async () => openTracked(),
    cleanup: async () => {
      await Promise.allSettled(opened.map((log) => log.close()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
