import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createPostgresTestSchema,
  deltaDrafts,
  newConversationStream,
  newMessageId,
  spawnProcess,
  stopLeftoverProcesses,
} from '@once/testing';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresEventLog } from '../src/index.ts';

const TIMEOUT_MS = 300;

// The writer may be frozen (SIGSTOP) when the test ends: woken and killed here, however it
// ended, or it would hold its transaction, and Vitest's output pipe, for good.
afterEach(stopLeftoverProcesses);

describe('a writer frozen in the middle of a transaction', () => {
  it('does not keep other daemons from appending to its conversation: PostgreSQL ends its transaction', async () => {
    await using database = await createPostgresTestSchema();
    const stream = newConversationStream();
    const script = join(import.meta.dirname, 'fixtures', 'append-forever.ts');
    const child = spawnProcess(process.execPath, [script, database.url, stream.conversationId, String(TIMEOUT_MS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    const observer = postgres(database.url.replace(/\?.*$/, ''), { max: 1 });
    const log = await openPostgresEventLog({ url: database.url });
    try {
      await once(child.stdout, 'data');
      // Freeze it (SIGSTOP) until the freeze lands inside a transaction, as PostgreSQL sees it.
      // The writer's sessions: their last statement names this test's schema.
      const schema = new URL(database.url).searchParams.get('schema') as string;
      const inTransaction = async () =>
        (
          await observer`SELECT count(*)::int AS count FROM pg_stat_activity
            WHERE state = 'idle in transaction' AND query LIKE ${`%${schema}%`}`
        )[0]?.count ?? 0;
      let frozenInside = false;
      for (let attempt = 0; attempt < 200 && !frozenInside; attempt += 1) {
        process.kill(child.pid as number, 'SIGSTOP');
        await sleep(20);
        frozenInside = (await inTransaction()) > 0;
        if (!frozenInside) {
          process.kill(child.pid as number, 'SIGCONT');
          await sleep(Math.random() * 20);
        }
      }
      expect(frozenInside).toBe(true);

      // The frozen transaction holds the stream's row; PostgreSQL ends it after TIMEOUT_MS.
      const [entry] = await log.append(stream, deltaDrafts(stream, newMessageId(), 1, 1));
      expect(entry?.offset).toBeGreaterThan(0);
      expect(await inTransaction()).toBe(0);
    } finally {
      child.kill('SIGKILL');
      process.kill(child.pid as number, 'SIGCONT');
      await exited;
      await log.close();
      await observer.end();
    }
  }, 30_000);
});
