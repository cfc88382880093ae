import type { EventDraft } from '@once/log';
import {
  createPostgresTestSchema,
  deltaDraft,
  deltaDrafts,
  newConversationStream,
  newMessageId,
  range,
  readAll,
  TEST_DATABASE_URL,
} from '@once/testing';
import { describe, expect, it } from 'vitest';
import { openPostgresEventLog } from '../src/index.ts';
import { createPostgresFixture } from './postgres-fixture.ts';
import { withDatabase } from './with-database.ts';

describe('PostgreSQL event log failures', () => {
  it('rejects every append of a failed transaction and stores none of them', async () => {
    // One batch in flight, so that the three appends share one transaction.
    const fixture = await createPostgresFixture({ batchesInFlight: 1 });
    const schema = new URL(fixture.url).searchParams.get('schema') as string;
    try {
      const { log } = fixture;
      const first = newConversationStream();
      const second = newConversationStream();
      const message = newMessageId();
      await log.append(first, deltaDrafts(first, message, 1, 2));
      const notified: number[] = [];
      log.onCommit((notice) => notified.push(notice.head));

      // A trigger makes PostgreSQL itself fail the insert of one event, mid-transaction.
      await withDatabase((sql) =>
        sql.unsafe(`
          CREATE FUNCTION "${schema}".poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.envelope LIKE '%poison%' THEN RAISE EXCEPTION 'poisoned event'; END IF; RETURN NEW; END $$;
          CREATE TRIGGER fail_poison BEFORE INSERT ON "${schema}".events FOR EACH ROW EXECUTE FUNCTION "${schema}".poison();
        `),
      );
      const together = [
        log.append(first, deltaDrafts(first, message, 3, 2)),
        log.append(second, [deltaDraft(second, newMessageId(), 1, 'poison')]),
        log.append(first, deltaDrafts(first, message, 5, 1)),
      ];
      const settled = await Promise.allSettled(together);
      expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(await log.head(first)).toBe(2);
      expect(await log.head(second)).toBe(0);
      expect((await readAll(log, first)).map((event) => event.seq)).toEqual([1, 2]);
      expect(notified).toEqual([]);

      await withDatabase((sql) => sql.unsafe(`DROP TRIGGER fail_poison ON "${schema}".events`));
      const retried = await log.append(first, deltaDrafts(first, message, 3, 3));
      expect(retried.map((event) => event.offset)).toEqual([3, 4, 5]);
      expect((await readAll(log, first)).map((event) => event.offset)).toEqual(range(5));
    } finally {
      await fixture.cleanup();
    }
  });

  it('with batches in flight side by side, leaves no hole in a stream when one of them fails', async () => {
    const fixture = await createPostgresFixture({ batchesInFlight: 2 });
    const schema = new URL(fixture.url).searchParams.get('schema') as string;
    try {
      const { log } = fixture;
      const first = newConversationStream();
      const second = newConversationStream();
      const message = newMessageId();
      await log.append(first, deltaDrafts(first, message, 1, 2));
      await withDatabase((sql) =>
        sql.unsafe(`
          CREATE FUNCTION "${schema}".poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.envelope LIKE '%poison%' THEN RAISE EXCEPTION 'poisoned event'; END IF; RETURN NEW; END $$;
          CREATE TRIGGER fail_poison BEFORE INSERT ON "${schema}".events FOR EACH ROW EXECUTE FUNCTION "${schema}".poison();
        `),
      );
      // Sent without waiting, as a streaming message writes: the first stream's two
      // appends and the poisoned one may go in separate transactions.
      const [early, poisoned, late] = await Promise.allSettled([
        log.append(first, deltaDrafts(first, message, 3, 2)),
        log.append(second, [deltaDraft(second, newMessageId(), 1, 'poison')]),
        log.append(first, deltaDrafts(first, message, 5, 1)),
      ]);
      expect(poisoned?.status).toBe('rejected');
      expect(await log.head(second)).toBe(0);
      // Whatever shared the failed transaction, the first stream holds a prefix of what
      // was sent: never the later append without the earlier one.
      expect(early?.status === 'rejected' && late?.status === 'fulfilled').toBe(false);
      const expected = [
        1,
        2,
        ...(early?.status === 'fulfilled' ? [3, 4] : []),
        ...(late?.status === 'fulfilled' ? [5] : []),
      ];
      expect((await readAll(log, first)).map((event) => event.seq)).toEqual(expected);
      expect(await log.head(first)).toBe(expected.length);
    } finally {
      await fixture.cleanup();
    }
  });

  it('rejects a draft of another conversation without failing appends that share its transaction', async () => {
    const fixture = await createPostgresFixture();
    try {
      const { log } = fixture;
      const stream = newConversationStream();
      const other = newConversationStream();
      const message = newMessageId();
      const unstorable = { ...deltaDraft(stream, message, 3), data: { size: 1n } } as EventDraft;
      const [good, wrongConversation, bad, alsoGood] = await Promise.allSettled([
        log.append(stream, [deltaDraft(stream, message, 1)]),
        log.append(stream, [deltaDraft(other, message, 2)]),
        log.append(stream, [unstorable]),
        log.append(stream, [deltaDraft(stream, message, 2)]),
      ]);
      expect(good.status).toBe('fulfilled');
      expect(wrongConversation).toMatchObject({ status: 'rejected', reason: { code: 'invalid_event' } });
      expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'invalid_event' } });
      expect(alsoGood.status).toBe('fulfilled');
      expect((await readAll(log, stream)).map((event) => event.seq)).toEqual([1, 2]);
      expect(await log.head(other)).toBe(0);
    } finally {
      await fixture.cleanup();
    }
  });
});

describe('PostgreSQL event log schema', () => {
  it('creates the schema once when several daemons open it at the same moment', async () => {
    await using database = await createPostgresTestSchema();
    const logs = await Promise.all(range(4).map(() => openPostgresEventLog({ url: database.url })));
    try {
      const stream = newConversationStream();
      const appended = await Promise.all(
        logs.map((log, index) => log.append(stream, [deltaDraft(stream, newMessageId(), index + 1)])),
      );
      expect(
        appended
          .flat()
          .map((event) => event.offset)
          .sort(),
      ).toEqual(range(4));
    } finally {
      await Promise.all(logs.map((log) => log.close()));
    }
  });

  it('refuses a schema written by a newer layout, naming it', async () => {
    await using database = await createPostgresTestSchema();
    await (await openPostgresEventLog({ url: database.url })).close();
    await withDatabase((sql) => sql.unsafe(`UPDATE "${database.schema}".layout SET version = version + 1`));
    await expect(openPostgresEventLog({ url: database.url })).rejects.toThrow(/layout 3; this build reads layout 2/);
  });

  it('refuses a schema name it would have to quote', async () => {
    await expect(openPostgresEventLog({ url: TEST_DATABASE_URL, schema: 'Once"; DROP' })).rejects.toThrow(
      /schema name .* is not valid/,
    );
  });
});
