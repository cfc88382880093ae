import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPostgresTestSchema, deltaDrafts, newConversationStream, newMessageId } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresEventLog } from '../src/index.ts';
import { headAnnounced } from './head-announced.ts';
import { withDatabase } from './with-database.ts';

/** Undone after each test, last first, even when it timed out (roles outlive databases). */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** A login role of its own with CREATE on the test database, dropped after the test. */
async function createRole(): Promise<string> {
  const role = `once_test_role_${randomBytes(4).toString('hex')}`;
  await withDatabase(async (sql) => {
    const [row] = await sql`SELECT current_database() AS name`;
    const database = String(row?.name);
    await sql.unsafe(`CREATE ROLE ${role} LOGIN; GRANT CREATE ON DATABASE "${database}" TO ${role}`);
    cleanups.push(() =>
      withDatabase(async (admin) => {
        await admin`SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = ${role}`;
        await admin.unsafe(`REVOKE CREATE ON DATABASE "${database}" FROM ${role}; DROP ROLE ${role}`);
      }),
    );
  });
  return role;
}

describe('PostgreSQL event log whose listening connection is lost', () => {
  it('wakes listeners of commits made while it could not listen, once it listens again', async () => {
    // The first daemon logs in as a role of its own, so the test can cut its listening
    // connection and keep it from coming back (NOLOGIN) until the other daemon has committed.
    const role = await createRole();
    const database = await createPostgresTestSchema();
    cleanups.push(() => database.drop());
    const asRole = new URL(database.url);
    asRole.username = role;
    // Opened first, so the schema is the role's own.
    const first = await openPostgresEventLog({ url: asRole.toString() });
    cleanups.push(() => first.close());
    const second = await openPostgresEventLog({ url: database.url });
    cleanups.push(() => second.close());

    const stream = newConversationStream();
    const message = newMessageId();
    await first.append(stream, deltaDrafts(stream, message, 1, 2));
    await withDatabase(async (sql) => {
      await sql.unsafe(`ALTER ROLE ${role} NOLOGIN`);
      const cut = await sql`SELECT pg_terminate_backend(pid, 5000) AS cut FROM pg_stat_activity
        WHERE usename = ${role} AND query ILIKE 'listen%'`;
      expect(cut.map((row) => row.cut)).toEqual([true]);
    });
    const heard = headAnnounced(first, stream, 4);
    // Notified while the first daemon has no listening connection: nobody there receives it.
    await second.append(stream, deltaDrafts(stream, message, 3, 2));
    // Long enough for a few attempts to reconnect to be refused, so the retries are exercised too.
    await sleep(500);
    await withDatabase((sql) => sql.unsafe(`ALTER ROLE ${role} LOGIN`));

    expect((await heard).at(-1)?.head).toBe(4);
  });
});
