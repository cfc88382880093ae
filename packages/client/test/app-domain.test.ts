import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLog } from '@once/log';
import type { ConversationId } from '@once/protocol';
import { createOnceServer } from '@once/server';
import { openSqliteEventLog } from '@once/sqlite';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import { createClient } from '../src/create-client.ts';
import { type AppEvent, defineAppDomain } from '../src/domains/app-domain.ts';
import type { DomainItem } from '../src/domains/domain-item.ts';
import { createConversation, sendDirect } from './daemon-api.ts';

/** An app's own events: votes in a poll, written into the conversation's stream by the app's server code. */
const vote = z.object({ option: z.string(), voter: z.string() });
type Tally = Readonly<Record<string, number>>;
const poll = defineAppDomain({
  name: 'poll',
  types: ['poll_vote'],
  schema: vote,
  initial: {} as Tally,
  fold: (tally, event) => ({ ...tally, [event.data.option]: (tally[event.data.option] ?? 0) + 1 }),
});

/** The daemon's parts in this process (real SQLite log, HTTP and SSE), so the test can append to its log. */
async function startServer() {
  const directory = await mkdtemp(join(tmpdir(), 'once-app-domain-'));
  const log = openSqliteEventLog({ path: join(directory, 'once.db') });
  const server = createOnceServer({ log, logKind: 'sqlite' });
  await server.recover();
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    log,
    async [Symbol.asyncDispose]() {
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Appends app events to a conversation's stream, as an app's server code would. */
async function append(log: EventLog, conversationId: ConversationId, type: string, data: unknown): Promise<void> {
  await log.append({ stream: 'conversation', conversationId }, [
    { stream: 'conversation', conversationId, type, ts: new Date().toISOString(), data },
  ]);
}

describe('an app-defined domain', () => {
  it('receives its custom events typed, folded from the first event, and reports events its schema refuses', async () => {
    await using server = await startServer();
    const conversationId = await createConversation(server.url);
    await sendDirect(server.url, conversationId, 'Tea or coffee?');
    // Written before the client opens: the client must replay it, the snapshot cannot hold it.
    await append(server.log, conversationId, 'poll_vote', { option: 'tea', voter: 'ada' });

    const client = createClient({ baseUrl: server.url });
    const conversation = client.conversation(conversationId, { appDomains: [poll] });
    const domain = conversation.appDomain(poll);
    const items: DomainItem<Tally, AppEvent<z.infer<typeof vote>>>[] = [];
    let tally: Tally | undefined;
    const subscription = domain.subscribe((item) => {
      items.push(item);
      tally = domain.foldItem(tally, item);
      if (item.kind === 'event') expectTypeOf(item.event.data.option).toEqualTypeOf<string>();
    });
    // A consumer stuck from its first item with room for one: its resync must count the refusal.
    let release: () => void = () => {};
    const stuckItems: DomainItem<Tally, unknown>[] = [];
    const stuck = domain.subscribe(
      async (item) => {
        stuckItems.push(item);
        if (stuckItems.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      { bufferSize: 1 },
    );
    try {
      await vi.waitFor(() => expect(domain.current().state).toEqual({ tea: 1 }), { timeout: 10_000 });
      await append(server.log, conversationId, 'poll_vote', { option: 'coffee', voter: 'bob' });
      await append(server.log, conversationId, 'some_other_app_event', { anything: true });
      await append(server.log, conversationId, 'poll_vote', { option: 3, voter: 'eve' });
      await append(server.log, conversationId, 'poll_vote', { option: 'tea', voter: 'cy' });

      // The daemon's own snapshot cannot be read here: it folds stored events that are not
      // marked unknown, and a custom type breaks that fold (see the report). The log's head is.
      const head = await server.log.head({ stream: 'conversation', conversationId });
      await vi.waitFor(() => expect(conversation.store.getSnapshot().offset).toBe(head), { timeout: 10_000 });
      expect(conversation.store.getSnapshot().messages.map((message) => message.role)).toEqual(['user']);
      await subscription.settled();
      expect(tally).toEqual({ tea: 2, coffee: 1 });
      expect(domain.current()).toEqual({ state: { tea: 2, coffee: 1 }, offset: head });
      const events = items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
      expect(events.map((event) => [event.type, event.data.voter])).toEqual([
        ['poll_vote', 'ada'],
        ['poll_vote', 'bob'],
        ['poll_vote', 'cy'],
      ]);
      const rejected = items.filter((item) => item.kind === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toMatchObject({
        event: { type: 'poll_vote', data: { option: 3 } },
        error: { code: 'invalid_event', message: expect.stringContaining('option') },
      });

      release();
      await stuck.settled();
      const overflow = stuckItems.find((item) => item.kind === 'resync' && item.reason === 'overflow');
      expect(overflow).toMatchObject({ state: { tea: 2, coffee: 1 }, rejected: 1 });
    } finally {
      release();
      subscription.unsubscribe();
      client.close();
      await conversation.closed;
    }
  }, 30_000);

  it('must be given when the conversation opens, and may not claim a protocol type', async () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:9' });
    const conversation = client.conversation('01936b2e-0000-7000-8000-000000000001');
    try {
      expect(() => conversation.appDomain(poll)).toThrow(/appDomains/);
      expect(() =>
        defineAppDomain({ name: 'bad', types: ['block_delta'], schema: vote, initial: 0, fold: (count) => count + 1 }),
      ).toThrow(/already defines/);
    } finally {
      client.close();
      await conversation.closed;
    }
  });
});
