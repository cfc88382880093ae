// A daemon renews the leases of the conversations its turns write to while those writes
// run: both must go through. Renewal once updated its rows in whatever order the table
// held them, while an append share-locks them in conversation order; each then waited for
// the other, and PostgreSQL broke the deadlock after a second by failing one. A failed
// append fails the turns of its batch; a failed renewal makes the daemon drop every
// conversation it holds, cutting their answers off as `interrupted`.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TurnCoordination } from '@once/log';
import {
  createPostgresTestSchema,
  deltaDrafts,
  newConversationStream,
  newMessageId,
  type PostgresTestSchema,
  TEST_DATABASE_URL,
} from '@once/testing';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresEventLog, openPostgresTurnCoordination, type PostgresEventLog } from '../src/index.ts';

describe('renewing leases while appends fenced by them run, on PostgreSQL', () => {
  let database: PostgresTestSchema;
  let log: PostgresEventLog;
  let daemon: TurnCoordination;
  let operator: postgres.Sql;
  beforeEach(async () => {
    database = await createPostgresTestSchema();
    // One batch in flight: the two conversations' appends below go in one transaction, as
    // they do whenever a daemon's batches in flight are all busy.
    log = await openPostgresEventLog({ url: database.url, batchesInFlight: 1 });
    daemon = await openPostgresTurnCoordination({ url: database.url, leaseMs: 60_000 });
    operator = postgres(TEST_DATABASE_URL, { max: 2, onnotice: () => {} });
  });
  afterEach(async () => {
    await Promise.allSettled([log.close(), daemon.close(), operator.end({ timeout: 1 })]);
    await database.drop();
  });

  /** Sessions of this test's schema waiting for a lock. */
  const waiting = async () => {
    const [row] = await operator<{ count: number }[]>`
      SELECT count(*)::int AS count FROM pg_stat_activity
      WHERE wait_event_type = 'Lock' AND query LIKE ${`%${database.schema}%`}`;
    return row?.count ?? 0;
  };
  const until = async (count: number) => {
    while ((await waiting()) < count) await sleep(20);
  };

  it('stores the append and keeps every lease, whatever order the lease rows are in', async () => {
    const streams = [newConversationStream(), newConversationStream()];
    // The conversations in the database's own order.
    const sorted = await operator<{ id: string }[]>`
      SELECT id FROM unnest(${streams.map((stream) => stream.conversationId)}::text[]) AS id ORDER BY id`;
    const [first, second] = sorted.map((row) => streams.find((stream) => stream.conversationId === row.id));
    if (first === undefined || second === undefined) throw new Error('two conversations expected');
    // Taken last first, so the table holds the rows the other way round.
    expect(await daemon.leases.acquire(second.conversationId)).toBe(true);
    expect(await daemon.leases.acquire(first.conversationId)).toBe(true);
    const fence = { fence: daemon.leases.owner };
    const messages = [newMessageId(), newMessageId()] as const;
    await Promise.all([
      log.append(first, deltaDrafts(first, messages[0], 1, 1), fence),
      log.append(second, deltaDrafts(second, messages[1], 1, 1), fence),
    ]);

    // An operator's transaction holds the first lease row for a moment, so that the append
    // (one batch for both conversations) and the renewal meet as they do under load.
    const blocker = await operator.reserve();
    try {
      await blocker`BEGIN`;
      await blocker.unsafe(`SELECT 1 FROM "${database.schema}".leases WHERE conversation = $1 FOR UPDATE`, [
        first.conversationId,
      ]);
      const appended = Promise.allSettled([
        log.append(first, deltaDrafts(first, messages[0], 2, 1), fence),
        log.append(second, deltaDrafts(second, messages[1], 2, 1), fence),
      ]);
      await until(1);
      const renewed = daemon.leases.renew([first.conversationId, second.conversationId]).then(
        (kept) => ({ kept }),
        (error: unknown) => ({ error }),
      );
      await until(2);
      await blocker`COMMIT`;

      expect(await renewed).toEqual({ kept: new Set([first.conversationId, second.conversationId]) });
      expect((await appended).map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(await log.head(first)).toBe(2);
      expect(await log.head(second)).toBe(2);
    } finally {
      await blocker`ROLLBACK`.catch(() => {});
      blocker.release();
    }
  }, 30_000);
});
