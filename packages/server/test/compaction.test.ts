import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConversationState, reduceAll, snapshot } from '@once/core';
import type { ConversationId, IncomingEvent, Offset } from '@once/protocol';
import { parseIncomingEvent } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { createOnceServer, type OnceServer } from '../src/index.ts';
import { createFakeTurnRunner } from './support/fake-turn-runner.ts';
import { openSse } from './support/sse-reader.ts';

let server: OnceServer | undefined;
let directory: string | undefined;
afterEach(async () => {
  await server?.stop();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  server = undefined;
  directory = undefined;
});

async function start() {
  directory = await mkdtemp(join(tmpdir(), 'once-compaction-'));
  const log = openSqliteEventLog({ path: join(directory, 'once.db') });
  // An hour: no pass runs by itself during the test; the test runs them.
  server = createOnceServer({ log, logKind: 'sqlite', runTurn: createFakeTurnRunner().run, compactAfterMs: 3_600_000 });
  await server.recover();
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, log, url };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

async function answered(url: string, id: string, turns: number) {
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    const { body } = await json(`${url}/v1/conversations/${id}`);
    const done = body.messages.filter((message: { role: string; status: string }) => message.role === 'assistant');
    if (
      done.length === turns &&
      body.activeTurn === undefined &&
      done.every((m: { status: string }) => m.status !== 'streaming')
    ) {
      return body;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the turns did not end');
}

describe('compaction and retention in a running daemon', () => {
  it('removes the deltas of old messages; every cursor, over JSON pages and SSE, still ends at the same snapshot', async () => {
    const { server, log, url } = await start();
    const { body: created } = await json(`${url}/v1/conversations`, { method: 'POST' });
    const id = created.conversation.id as ConversationId;
    for (const content of ['first question', 'second question']) {
      await json(`${url}/v1/conversations/${id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content }),
      });
      await answered(url, id, content === 'first question' ? 1 : 2);
    }
    const stream = { stream: 'conversation', conversationId: id } as const;
    const original = (await log.read(stream, 0 as Offset, 1_000)) as IncomingEvent[];
    const { conversation: _conversation, ...before } = await answered(url, id, 2);

    const pass = await server.compact(new Date(Date.now() + 60_000));
    expect(pass).toMatchObject({ conversations: 1, messages: 4 });
    expect(pass.removed).toBe(original.filter((event) => event.type.startsWith('block_')).length);
    const { conversation: _same, ...after } = (await json(`${url}/v1/conversations/${id}`)).body;
    expect(after).toEqual(before);

    const compacted = (await json(`${url}/v1/conversations/${id}/events?after=0&limit=1000`)).body.events;
    expect(compacted.length).toBe(original.length - pass.removed);
    for (let cursor = 0; cursor <= before.offset; cursor += 1) {
      // A client that held the uncompacted stream up to any cursor, resuming on the compacted one.
      const held = reduceAll(createConversationState(id), original.slice(0, cursor));
      const page = (await json(`${url}/v1/conversations/${id}/events?after=${cursor}&limit=1000`)).body.events;
      const resumed = reduceAll(
        held,
        page.map((event: unknown) => parseIncomingEvent(event)),
      );
      expect(resumed.resync).toBeUndefined();
      expect(snapshot(resumed)).toEqual(before);
    }
    // Over SSE from inside the first answer's removed deltas: Last-Event-ID as a browser sends it.
    const inside = original.find((event) => event.type === 'block_delta' && event.offset > 6)?.offset ?? 3;
    await using sse = await openSse(`${url}/v1/conversations/${id}/events`, { 'last-event-id': String(inside) });
    await sse.until((frame) => frame.event === 'ready');
    const sent = sse.frames
      .filter((frame) => frame.id !== undefined)
      .map((frame) => parseIncomingEvent(JSON.parse(frame.data ?? '')));
    const resumed = reduceAll(reduceAll(createConversationState(id), original.slice(0, inside)), sent);
    expect(snapshot(resumed)).toEqual(before);

    // A second pass finds nothing new; the conversation goes on after the head.
    expect(await server.compact(new Date(Date.now() + 60_000))).toMatchObject({ removed: 0 });
    await json(`${url}/v1/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'third question' }),
    });
    const third = await answered(url, id, 3);
    expect(third.offset).toBeGreaterThan(before.offset);
  });

  it('expires conversations last active before the cutoff: deleted for the account, their events gone from the log', async () => {
    const { server, log, url } = await start();
    const ids: ConversationId[] = [];
    for (const content of ['one', 'two']) {
      const { body: created } = await json(`${url}/v1/conversations`, { method: 'POST' });
      ids.push(created.conversation.id);
      await json(`${url}/v1/conversations/${created.conversation.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content }),
      });
      await answered(url, created.conversation.id, 1);
    }
    expect(await server.expire(new Date(Date.now() - 60_000))).toEqual({ conversations: 0, removed: 0 });
    expect((await json(`${url}/v1/conversations`)).body.conversations).toHaveLength(2);

    const pass = await server.expire(new Date(Date.now() + 60_000));
    expect(pass.conversations).toBe(2);
    expect((await json(`${url}/v1/conversations`)).body.conversations).toEqual([]);
    for (const id of ids) {
      const stream = { stream: 'conversation', conversationId: id } as const;
      expect((await json(`${url}/v1/conversations/${id}`)).status).toBe(404);
      expect(await log.read(stream, 0 as Offset, 100)).toEqual([]);
      expect(await log.head(stream)).toBeGreaterThan(0);
    }
    // The account stream says so, for every client following the list.
    const account = await json(`${url}/v1/account/events?after=0`);
    expect(account.body.events.filter((event: { type: string }) => event.type === 'conversation_deleted')).toHaveLength(
      2,
    );
  });

  it('leaves messages younger than the cutoff as they are', async () => {
    const { server, log, url } = await start();
    const { body: created } = await json(`${url}/v1/conversations`, { method: 'POST' });
    const id = created.conversation.id as ConversationId;
    await json(`${url}/v1/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'hello' }),
    });
    await answered(url, id, 1);
    const stream = { stream: 'conversation', conversationId: id } as const;
    const events = await log.read(stream, 0 as Offset, 1_000);
    expect(await server.compact(new Date(Date.now() - 60_000))).toMatchObject({ messages: 0, removed: 0 });
    expect(await log.read(stream, 0 as Offset, 1_000)).toEqual(events);
  });
});
