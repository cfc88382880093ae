import { DatabaseSync } from 'node:sqlite';
import type { Offset } from '@once/protocol';
import { deltaDrafts, newConversationStream, newMessageId, range, readAll } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { createSqliteFixture, WITHOUT_SENT_AS } from './sqlite-fixture.ts';

describe('SQLite layout 4 (snapshots)', () => {
  it('opens a file of layout 3, keeps its events and stores snapshots from then on', async () => {
    const fixture = await createSqliteFixture();
    try {
      const stream = newConversationStream();
      const message = newMessageId();
      await fixture.log.append(stream, deltaDrafts(stream, message, 1, 4));
      await fixture.log.close();
      // Layout 4 is layout 3 plus the snapshots table, and layout 5 adds messages.sent_as:
      // without both, the file is one of layout 3.
      const file = new DatabaseSync(fixture.path);
      file.exec(`DROP TABLE snapshots; ${WITHOUT_SENT_AS} PRAGMA user_version = 3;`);
      file.close();

      const log = await fixture.reopen();
      expect((await readAll(log, stream)).map((event) => event.offset)).toEqual(range(4));
      expect(await log.latestSnapshot(stream)).toBeUndefined();
      const snapshot = { offset: 4 as Offset, state: '{"at":4}', summary: '{}' };
      expect(await log.saveSnapshot(stream, snapshot)).toBe(true);
      await log.append(stream, deltaDrafts(stream, message, 5, 1));
      await log.close();

      const migrated = new DatabaseSync(fixture.path, { readOnly: true });
      expect(migrated.prepare('PRAGMA user_version').get()).toEqual({ user_version: 5 });
      migrated.close();
      const again = await fixture.reopen();
      expect(await again.latestSnapshot(stream)).toEqual(snapshot);
      expect(await again.head(stream)).toBe(5);
    } finally {
      await fixture.cleanup();
    }
  });

  it('refuses a file of a layout newer than it knows, and leaves it as it was', async () => {
    const fixture = await createSqliteFixture();
    try {
      await fixture.log.close();
      const file = new DatabaseSync(fixture.path);
      file.exec('PRAGMA user_version = 6;');
      file.close();
      await expect(fixture.reopen()).rejects.toThrow('this version of Once reads 5');
    } finally {
      await fixture.cleanup();
    }
  });
});
