import { DatabaseSync } from 'node:sqlite';
import { newId } from '@once/protocol';
import { newConversationStream, newMessageId, sentMessageDrafts } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { createSqliteFixture, WITHOUT_SENT_AS } from './sqlite-fixture.ts';

describe('SQLite layout 5 (one user message per clientMessageId)', () => {
  it('opens a file of layout 4 and refuses a second message sent with an id its log holds, the first keeping it', async () => {
    const fixture = await createSqliteFixture();
    try {
      const stream = newConversationStream();
      const sentTwice = newId();
      const first = newMessageId();
      const second = newMessageId();
      const other = newId();
      await fixture.log.append(stream, sentMessageDrafts(stream, first, sentTwice));
      await fixture.log.append(stream, sentMessageDrafts(stream, second, other));
      await fixture.log.close();
      // A file of layout 4 knows no sent_as, and its log could hold a message sent twice:
      // the second message's events are made to say it was sent with the first's id.
      const file = new DatabaseSync(fixture.path);
      file.prepare('UPDATE log SET envelope = replace(envelope, ?, ?)').run(other, sentTwice);
      file.exec(`${WITHOUT_SENT_AS} PRAGMA user_version = 4;`);
      file.close();

      const log = await fixture.reopen();
      const third = log.append(stream, sentMessageDrafts(stream, newMessageId(), sentTwice));
      await expect(third).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(first) });
      expect(await log.head(stream)).toBe(4);
      await log.close();

      const migrated = new DatabaseSync(fixture.path, { readOnly: true });
      expect(migrated.prepare('PRAGMA user_version').get()).toEqual({ user_version: 5 });
      migrated.close();
    } finally {
      await fixture.cleanup();
    }
  });
});
