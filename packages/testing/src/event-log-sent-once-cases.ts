import type { EventLog, StoredEntry } from '@once/log';
import { newId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { deltaDrafts, newConversationStream, newMessageId, sentMessageDrafts } from './event-drafts.ts';
import type { EventLogFixture } from './event-log-fixture.ts';
import { readAll } from './read-all.ts';

/**
 * One user message per clientMessageId in a stream (docs/decisions/038): what makes a
 * send retried through two daemons at once store its message once, whatever their locks
 * did. `getFixture` gives the current test's fixture.
 */
export function describeEventLogSentOnce(getFixture: () => EventLogFixture): void {
  const log = (): EventLog => getFixture().log;
  const messagesOf = async (target: EventLog, stream: ReturnType<typeof newConversationStream>) =>
    new Set((await readAll(target, stream)).map((event) => event.messageId));

  describe('one user message per clientMessageId', () => {
    it('refuses a second message sent with the same clientMessageId, storing nothing of it', async () => {
      const stream = newConversationStream();
      const clientMessageId = newId();
      const first = newMessageId();
      await log().append(stream, sentMessageDrafts(stream, first, clientMessageId));
      const again = log().append(stream, sentMessageDrafts(stream, newMessageId(), clientMessageId));
      await expect(again).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(first) });
      expect(await log().head(stream)).toBe(2);
      expect(await messagesOf(log(), stream)).toEqual(new Set([first]));
    });

    it('stores the same message appended again once, as any retry, without refusing it', async () => {
      const stream = newConversationStream();
      const drafts = sentMessageDrafts(stream, newMessageId(), newId());
      const text = ({ offset, type, json }: StoredEntry) => ({ offset, type, json });
      const first = await log().append(stream, drafts);
      expect((await log().append(stream, drafts)).map(text)).toEqual(first.map(text));
      expect(await log().head(stream)).toBe(2);
    });

    it('refuses the second of two sends committed together, and stores the appends beside it', async () => {
      const stream = newConversationStream();
      const clientMessageId = newId();
      const first = newMessageId();
      const answer = newMessageId();
      const appends = [
        log().append(stream, sentMessageDrafts(stream, first, clientMessageId)),
        log().append(stream, sentMessageDrafts(stream, newMessageId(), clientMessageId)),
        log().append(stream, deltaDrafts(stream, answer, 1, 3)),
      ];
      const [stored, refused, beside] = await Promise.allSettled(appends);
      expect(stored?.status).toBe('fulfilled');
      expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
      expect(beside?.status).toBe('fulfilled');
      expect(await log().head(stream)).toBe(5);
      expect(await messagesOf(log(), stream)).toEqual(new Set([first, answer]));
    });

    it('holds per conversation, and only for user messages', async () => {
      const stream = newConversationStream();
      const other = newConversationStream();
      const clientMessageId = newId();
      await log().append(stream, sentMessageDrafts(stream, newMessageId(), clientMessageId));
      await log().append(other, sentMessageDrafts(other, newMessageId(), clientMessageId));
      // A regenerated answer carries the clientMessageId of its request: not a send.
      await log().append(stream, sentMessageDrafts(stream, newMessageId(), clientMessageId, 'assistant'));
      expect(await log().head(stream)).toBe(4);
      expect(await log().head(other)).toBe(2);
    });

    it('still refuses after a reopen', async () => {
      const stream = newConversationStream();
      const clientMessageId = newId();
      await log().append(stream, sentMessageDrafts(stream, newMessageId(), clientMessageId));
      await log().close();
      const reopened = await getFixture().reopen();
      const again = reopened.append(stream, sentMessageDrafts(stream, newMessageId(), clientMessageId));
      await expect(again).rejects.toMatchObject({ code: 'conflict' });
      expect(await reopened.head(stream)).toBe(2);
    });
  });
}
