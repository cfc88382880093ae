import { newId } from '@once/protocol';
import { deltaDrafts, newConversationStream, newMessageId, readAll, sentMessageDrafts } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { POSTGRES_LAYOUT_VERSION } from '../src/index.ts';
import { downgradeToLayout1 } from './layout-1.ts';
import { createPostgresFixture } from './postgres-fixture.ts';
import { withDatabase } from './with-database.ts';

// A schema written by a build of layout 1 (each event's identity in columns of `events`
// under a unique index) is migrated to layout 2 when a daemon of this build opens it
// (docs/decisions/039).
describe('opening a PostgreSQL schema of layout 1', () => {
  it('keeps every event, knows the identities stored before, and shuts out writers of layout 1', async () => {
    const fixture = await createPostgresFixture();
    try {
      const stream = newConversationStream();
      const answer = newMessageId();
      const clientMessageId = newId();
      await fixture.log.append(stream, sentMessageDrafts(stream, newMessageId(), clientMessageId));
      await fixture.log.append(stream, deltaDrafts(stream, answer, 1, 5));
      const before = await readAll(fixture.log, stream);
      await fixture.log.close();
      const schema = new URL(fixture.url).searchParams.get('schema') as string;
      await downgradeToLayout1(schema, { sentMessages: true });

      const log = await fixture.open();
      expect(await readAll(log, stream)).toEqual(before);
      // A retry of stored events hands them back; only the new ones are stored.
      const retried = await log.append(stream, deltaDrafts(stream, answer, 3, 5));
      expect(retried.map((entry) => entry.offset)).toEqual([5, 6, 7, 8, 9]);
      expect(await log.head(stream)).toBe(9);
      // So does a second send under the same clientMessageId: refused, nothing stored.
      await expect(
        log.append(stream, sentMessageDrafts(stream, newMessageId(), clientMessageId)),
      ).rejects.toMatchObject({
        code: 'conflict',
      });

      await withDatabase(async (sql) => {
        const [layout] = await sql.unsafe<{ version: number }[]>(`SELECT version FROM "${schema}".layout`);
        expect(layout?.version).toBe(POSTGRES_LAYOUT_VERSION);
        const functions = await sql.unsafe<{ proname: string }[]>(
          `SELECT proname FROM pg_proc WHERE pronamespace = $1::regnamespace ORDER BY proname`,
          [schema],
        );
        expect(functions.map((row) => row.proname)).toEqual(['append_batch_v2']);
        // What a daemon of layout 1 still running would write is refused, so it cannot
        // store events whose identities this layout does not record.
        await expect(
          sql.unsafe(
            `INSERT INTO "${schema}".events (stream, stream_offset, message_id, block_index, seq, envelope)
             VALUES (1, 100, 'm', 0, 1, '{}')`,
          ),
        ).rejects.toThrow(/column "message_id" .*does not exist/);
      });
      expect(await log.head(stream)).toBe(9);
    } finally {
      await fixture.cleanup();
    }
  });
});
