import { setTimeout as sleep } from 'node:timers/promises';
import type { TurnCoordination } from '@once/log';
import {
  createPostgresTestSchema,
  describeConversationLeasesConformance,
  type PostgresTestSchema,
} from '@once/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresTurnCoordination } from '../src/index.ts';
import { IDLE_IN_TRANSACTION_TIMEOUT_MS } from '../src/open-postgres-event-log.ts';

// Each coordination is one daemon process: its own pool and owner id, on one shared schema.
describeConversationLeasesConformance('PostgreSQL', async () => {
  const database = await createPostgresTestSchema();
  const opened: TurnCoordination[] = [];
  return {
    async open(leaseMs) {
      const coordination = await openPostgresTurnCoordination({ url: database.url, leaseMs });
      opened.push(coordination);
      return coordination.leases;
    },
    async cleanup() {
      await Promise.allSettled(opened.map((coordination) => coordination.close()));
      await database.drop();
    },
  };
});

describe('the send lock on PostgreSQL', () => {
  let database: PostgresTestSchema;
  const opened: TurnCoordination[] = [];
  beforeEach(async () => {
    database = await createPostgresTestSchema();
  });
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((coordination) => coordination.close()));
    await database.drop();
  });

  it('runs tasks of one key one at a time across daemons, and tasks of other keys alongside', async () => {
    const daemons = [
      await openPostgresTurnCoordination({ url: database.url }),
      await openPostgresTurnCoordination({ url: database.url }),
    ];
    opened.push(...daemons);
    let inside = 0;
    let most = 0;
    const task = async () => {
      inside += 1;
      most = Math.max(most, inside);
      await sleep(20);
      inside -= 1;
    };
    await Promise.all(Array.from({ length: 6 }, (_, index) => daemons[index % 2]?.sendLock.run('same', task)));
    expect(most).toBe(1);
    const started: string[] = [];
    await Promise.all(
      ['x', 'y'].map((key, index) =>
        daemons[index]?.sendLock.run(key, async () => {
          started.push(key);
          await sleep(100);
          // The other key's task started while this one still holds its lock.
          expect(started).toHaveLength(2);
        }),
      ),
    );
    // A failing task releases the lock.
    await expect(daemons[0]?.sendLock.run('same', async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(await daemons[1]?.sendLock.run('same', async () => 'next')).toBe('next');
  });

  it('stays held by a live daemon whose task outlasts the idle-in-transaction timeout', async () => {
    // PostgreSQL ends a session idle in a transaction after IDLE_IN_TRANSACTION_TIMEOUT_MS
    // (5 s), so that a frozen daemon cannot hold a conversation's sends for good. A live
    // daemon whose send is slow (a loaded machine, a long conversation to read) must keep
    // its lock: were it lost, a retry of the same send through another daemon could check
    // for the message before the first send stored it, and store it twice.
    const daemons = [
      await openPostgresTurnCoordination({ url: database.url }),
      await openPostgresTurnCoordination({ url: database.url }),
    ];
    opened.push(...daemons);
    let firstRunning = false;
    const first = daemons[0]?.sendLock.run('slow', async () => {
      firstRunning = true;
      await sleep(IDLE_IN_TRANSACTION_TIMEOUT_MS + 1500);
      firstRunning = false;
      return 'first';
    });
    await sleep(200);
    const second = daemons[1]?.sendLock.run('slow', async () => (firstRunning ? 'ran beside the first' : 'second'));
    expect(await Promise.all([first, second])).toEqual(['first', 'second']);
  }, 30_000);
});
