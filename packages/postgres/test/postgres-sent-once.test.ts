import { newId } from '@once/protocol';
import { newConversationStream, newMessageId, readAll, sentMessageDrafts } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { downgradeToLayout1 } from './layout-1.ts';
import { createPostgresFixture } from './postgres-fixture.ts';

describe('one user message per clientMessageId, across daemons on PostgreSQL', () => {
  it('stores one of the messages two daemons send with the same clientMessageId at once, and refuses the others', async () => {
    const fixture = await createPostgresFixture();
    try {
      const logs = [fixture.log, await fixture.open(), await fixture.open()];
      for (let round = 0; round < 10; round += 1) {
        const stream = newConversationStream();
        const clientMessageId = newId();
        // Each log knows the stream (its key and head) first, as a daemon following it does.
        await logs[0]?.append(stream, sentMessageDrafts(stream, newMessageId(), newId()));
        const sends = logs.map((log) => log.append(stream, sentMessageDrafts(stream, newMessageId(), clientMessageId)));
        const outcomes = await Promise.allSettled(sends);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'conflict' });
        }
        const opened = (await readAll(fixture.log, stream)).filter((event) => event.type === 'message_open');
        expect(opened).toHaveLength(2);
      }
    } finally {
      await fixture.cleanup();
    }
  });

  it('records the user messages a schema made before it held when it opens, so a second send of one is refused', async () => {
    const fixture = await createPostgresFixture();
    try {
      const stream = newConversationStream();
      const clientMessageId = newId();
      const first = newMessageId();
      await fixture.log.append(stream, sentMessageDrafts(stream, first, clientMessageId));
      await fixture.log.close();
      // A schema made before: layout 1, no sent_messages table.
      await downgradeToLayout1(new URL(fixture.url).searchParams.get('schema') as string, { sentMessages: false });

      const log = await fixture.open();
      const again = log.append(stream, sentMessageDrafts(stream, newMessageId(), clientMessageId));
      await expect(again).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(first) });
      expect(await log.head(stream)).toBe(2);
    } finally {
      await fixture.cleanup();
    }
  });
});
