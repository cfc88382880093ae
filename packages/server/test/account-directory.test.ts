import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLog } from '@once/log';
import type { Conversation } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccountDirectory } from '../src/service/account-directory.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real SQLite log that counts the appends made to it. */
async function countingLog() {
  const directory = await mkdtemp(join(tmpdir(), 'once-accounts-'));
  const inner = openSqliteEventLog({ path: join(directory, 'once.db') });
  cleanups.push(async () => {
    await inner.close();
    await rm(directory, { recursive: true, force: true });
  });
  const counts = { appends: 0 };
  const log = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'append') {
        return (...args: Parameters<EventLog['append']>) => {
          counts.appends += 1;
          return Reflect.apply(target.append, target, args) as ReturnType<EventLog['append']>;
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as EventLog;
  return { log, counts };
}

describe('the account directory under many writes at once', () => {
  it('gives 200 chats starting together one conversation each, asked twice, in a few appends instead of 200', async () => {
    const { log, counts } = await countingLog();
    const accounts = createAccountDirectory(log);
    const chatIds = Array.from({ length: 200 }, (_, index) => `chat-${index}`);
    const [first, second] = await Promise.all([
      Promise.all(chatIds.map((chatId) => accounts.ensureChat('alice', chatId))),
      Promise.all(chatIds.map((chatId) => accounts.ensureChat('alice', chatId))),
    ]);
    expect(second.map((conversation) => conversation.id)).toEqual(first.map((conversation) => conversation.id));
    expect(new Set(first.map((conversation) => conversation.id)).size).toBe(200);
    const list = await accounts.list('alice');
    expect(list.conversations.map((conversation) => conversation.chatId).sort()).toEqual([...chatIds].sort());
    expect(counts.appends).toBeLessThanOrEqual(2);

    // A fresh directory on the same log (a restart) finds the same conversations.
    const reopened = createAccountDirectory(log);
    expect((await reopened.ensureChat('alice', 'chat-7')).id).toBe(first[7]?.id);
  });

  it('refuses one write of a batch without failing the others, and each sees the ones before it', async () => {
    const { log } = await countingLog();
    const accounts = createAccountDirectory(log);
    const kept = await accounts.create('alice', 'kept');
    const gone = await accounts.ensureChat('alice', 'chat-gone');
    const results = await Promise.allSettled([
      accounts.update('alice', kept.id, { title: 'renamed' }),
      accounts.delete('alice', 'no-such-conversation'),
      accounts.delete('alice', gone.id),
      // Planned after the delete in the same batch: the chat's conversation is gone.
      accounts.ensureChat('alice', 'chat-gone'),
      accounts.update('alice', kept.id, { title: 'renamed again' }),
      accounts.create('alice', 'new'),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'conversation_not_found' });
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({
      code: 'conversation_not_found',
      message: expect.stringContaining('deleted'),
    });
    const list = await accounts.list('alice');
    expect(list.conversations.map((conversation: Conversation) => conversation.title)).toEqual([
      'new',
      'renamed again',
    ]);
    // Another account never sees them.
    expect((await accounts.list('bob')).conversations).toEqual([]);
  });
});
