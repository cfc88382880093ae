import { createKeyedLock, type KeyedLock } from '@once/log';
import type { Sql, TransactionSql } from 'postgres';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

/**
 * A {@link KeyedLock} held across every daemon of the schema: a transaction-scoped
 * advisory lock (`pg_advisory_xact_lock`) on a hash of the schema and key, held while the
 * task runs and released by the transaction's end — COMMIT, ROLLBACK, or the connection
 * dying with its daemon — so a pooled connection never goes back to the pool still
 * holding it. The task's writes go through the log and are committed before it resolves,
 * so the next holder reads them. Tasks of this daemon queue in memory first: they wait
 * without holding a connection each. Two keys sharing a hash only wait for each other.
 *
 * The lock's connection ends a transaction left idle for a while (its
 * `idle_in_transaction_session_timeout`), so that a frozen daemon gives its keys up. While
 * a task runs, the lock says so every `keepAliveMs` (a `SELECT 1` in its transaction):
 * a live daemon's slow task keeps its key, however long it takes.
 */
export function createPostgresSendLock(sql: Sql, names: SchemaNames, keepAliveMs: number): KeyedLock {
  const local = createKeyedLock();
  const lock = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';
  return {
    run(key, task) {
      return local.run(key, async () => {
        let outcome: { value: Awaited<ReturnType<typeof task>> } | undefined;
        await sql.begin(async (transaction) => {
          await transaction.unsafe(lock, [`${names.schema}:send:${key}`], PREPARED);
          const keepingAlive = keepAlive(transaction, keepAliveMs);
          try {
            outcome = { value: await task() };
          } finally {
            await keepingAlive.stop();
          }
        });
        if (outcome === undefined) throw new Error('The send lock ended without running its task.');
        return outcome.value;
      });
    },
  };
}

/**
 * Runs `SELECT 1` in `transaction` every `intervalMs` until stopped; `stop` waits for one
 * still running, so that the transaction ends after it. A failed one is left to the
 * transaction's end to report (the connection is gone, or the transaction broken).
 */
function keepAlive(transaction: TransactionSql, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => transaction`SELECT 1`).catch(() => {});
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
