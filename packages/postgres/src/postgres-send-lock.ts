import { createKeyedLock, type KeyedLock } from '@once/log';
import type { Sql } from 'postgres';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

/**
 * A {@link KeyedLock} held across every daemon of the schema: a transaction-scoped
 * advisory lock (`pg_advisory_xact_lock`) on a hash of the schema and key, held while the
 * task runs and released by the transaction's end — COMMIT, ROLLBACK, or the connection
 * dying with its daemon — so a pooled connection never goes back to the pool still
 * holding it. The task's writes go through the log and are committed before it resolves,
 * so the next holder reads them. Tasks of this daemon queue in memory first: they wait
 * without holding a connection each. Two keys sharing a hash only wait for each other.
 */
export function createPostgresSendLock(sql: Sql, names: SchemaNames): KeyedLock {
  const local = createKeyedLock();
  const lock = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';
  return {
    run(key, task) {
      return local.run(key, async () => {
        let outcome: { value: Awaited<ReturnType<typeof task>> } | undefined;
        await sql.begin(async (transaction) => {
          await transaction.unsafe(lock, [`${names.schema}:send:${key}`], PREPARED);
          outcome = { value: await task() };
        });
        if (outcome === undefined) throw new Error('The send lock ended without running its task.');
        return outcome.value;
      });
    },
  };
}
