import { createConversationState, reduceAll } from '@once/core';
import type { BlockSnapshot, ConversationId, IncomingEvent } from '@once/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ApiFixture, startApi } from './support/api-fixture.ts';
import { FAKE_ANSWER } from './support/fake-turn-runner.ts';

let api: ApiFixture;
beforeEach(async () => {
  api = await startApi();
});
afterEach(async () => {
  await api.close();
});

const textOf = (message: { blocks: readonly BlockSnapshot[] }) =>
  message.blocks.map((block) => ('text' in block ? block.text : '')).join('');

describe('HTTP API over a real socket: conversations', () => {
  it('creates a conversation with 201 and records it on the account stream', async () => {
    const created = await api.request('POST', '/v1/conversations', { body: { title: 'Trip to Lisbon' } });
    expect(created.status).toBe(201);
    expect(created.body.conversation).toMatchObject({ title: 'Trip to Lisbon' });
    expect(created.body.conversation.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await api.accountHead()).toBe(1);

    const untitled = await api.request('POST', '/v1/conversations');
    expect(untitled.status).toBe(201);
    expect(untitled.body.conversation.title).toBe('');
  });

  it('lists conversations newest first, with the account offset, a page at a time through nextCursor', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push(await api.createConversation());
    const newestFirst = [...ids].reverse();

    const whole = await api.request('GET', '/v1/conversations');
    expect(whole.status).toBe(200);
    expect(whole.body.conversations.map((entry: { id: string }) => entry.id)).toEqual(newestFirst);
    expect(whole.body.offset).toBe(5);
    expect(whole.body.nextCursor).toBeUndefined();

    const seen: string[] = [];
    let path = '/v1/conversations?limit=2';
    let pages = 0;
    for (;;) {
      const page = await api.request('GET', path);
      expect(page.status).toBe(200);
      expect(page.body.offset).toBe(5);
      seen.push(...page.body.conversations.map((entry: { id: string }) => entry.id));
      pages += 1;
      if (page.body.nextCursor === undefined) break;
      path = `/v1/conversations?limit=2&cursor=${page.body.nextCursor}`;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst);
  });

  it('moves a conversation to the top of the list when a message is sent to it', async () => {
    const older = await api.createConversation();
    const newer = await api.createConversation();
    await api.request('POST', `/v1/conversations/${older}/messages`, { body: { content: 'Wake up' } });
    await api.settled(older);
    const list = await api.request('GET', '/v1/conversations');
    expect(list.body.conversations.map((entry: { id: string }) => entry.id)).toEqual([older, newer]);
    expect(list.body.conversations[0].title).toBe('Wake up');
  });

  it('serves an empty conversation’s snapshot at offset 0', async () => {
    const id = await api.createConversation();
    const response = await api.request('GET', `/v1/conversations/${id}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      conversation: expect.objectContaining({ id, title: '' }),
      conversationId: id,
      offset: 0,
      messages: [],
      activity: { phase: 'idle' },
      pendingApprovals: [],
    });
  });

  it('renames a conversation and the list shows the new title', async () => {
    const id = await api.createConversation();
    const renamed = await api.request('PATCH', `/v1/conversations/${id}`, { body: { title: 'Renamed' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.conversation).toMatchObject({ id, title: 'Renamed' });
    const list = await api.request('GET', '/v1/conversations');
    expect(list.body.conversations).toEqual([expect.objectContaining({ id, title: 'Renamed' })]);
    const snapshot = await api.request('GET', `/v1/conversations/${id}`);
    expect(snapshot.body.conversation.title).toBe('Renamed');
  });

  it('deletes with 204; afterwards the conversation is gone everywhere', async () => {
    const kept = await api.createConversation();
    const id = await api.createConversation();
    const deleted = await api.request('DELETE', `/v1/conversations/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();

    for (const [method, path] of [
      ['GET', `/v1/conversations/${id}`],
      ['GET', `/v1/conversations/${id}/events`],
      ['DELETE', `/v1/conversations/${id}`],
    ] as const) {
      const response = await api.request(method, path);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error.code).toBe('conversation_not_found');
    }
    const send = await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'hi' } });
    expect(send.body.error.code).toBe('conversation_not_found');
    const list = await api.request('GET', '/v1/conversations');
    expect(list.body.conversations.map((entry: { id: string }) => entry.id)).toEqual([kept]);
  });
});

describe('HTTP API over a real socket: messages and turns', () => {
  it('accepts a message with 202 and the turn answers it in one assistant message', async () => {
    const id = await api.createConversation();
    const sent = await api.request('POST', `/v1/conversations/${id}/messages`, {
      body: { content: 'What time is it?', clientMessageId: 'client-1' },
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ userMessageId: expect.any(String), turnId: expect.any(String) });

    const snapshot = await api.settled(id);
    const [user, assistant, ...rest] = snapshot.messages;
    expect(rest).toEqual([]);
    expect(user).toMatchObject({
      id: sent.body.userMessageId,
      role: 'user',
      status: 'complete',
      turnId: sent.body.turnId,
      clientMessageId: 'client-1',
    });
    expect(user && textOf(user)).toBe('What time is it?');
    expect(assistant).toMatchObject({ role: 'assistant', status: 'complete', turnId: sent.body.turnId });
    expect(assistant && textOf(assistant)).toBe(FAKE_ANSWER.join(''));

    const served = await api.request('GET', `/v1/conversations/${id}`);
    expect(served.body.messages).toEqual(snapshot.messages);
    expect(served.body.offset).toBe(await api.conversationHead(id));
  });

  it('serves and answers a conversation that holds an app-defined event type the daemon does not know', async () => {
    const id = await api.createConversation();
    const stream = { stream: 'conversation', conversationId: id } as const;
    const custom = { ...stream, type: 'poll_vote', ts: new Date().toISOString(), data: { option: 'a' } };
    await api.log.append(stream, [custom as never]);
    const sent = await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'Still there?' } });
    expect(sent.status).toBe(202);
    const snapshot = await api.settled(id);
    expect(snapshot.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(snapshot.offset).toBe(await api.conversationHead(id));
  });

  it('returns the same ids for the same clientMessageId and writes nothing new', async () => {
    const id = await api.createConversation();
    const body = { content: 'Only once, please', clientMessageId: 'retry-me' };
    const first = await api.request('POST', `/v1/conversations/${id}/messages`, { body });
    await api.settled(id);
    const conversationHead = await api.conversationHead(id);
    const accountHead = await api.accountHead();

    const again = await api.request('POST', `/v1/conversations/${id}/messages`, { body });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const differentContent = await api.request('POST', `/v1/conversations/${id}/messages`, {
      body: { ...body, content: 'a retry whose body changed' },
    });
    expect(differentContent.body).toEqual(first.body);

    expect(await api.conversationHead(id)).toBe(conversationHead);
    expect(await api.accountHead()).toBe(accountHead);
    expect(api.runner.started).toEqual([first.body.turnId]);
    const snapshot = await api.request('GET', `/v1/conversations/${id}`);
    expect(snapshot.body.messages.filter((message: { role: string }) => message.role === 'user')).toHaveLength(1);
  });

  it('stores a message once when the same send arrives several times at once (a double click, a retry)', async () => {
    const id = await api.createConversation();
    const body = { content: 'Sent in a hurry', clientMessageId: 'double-click' };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => api.request('POST', `/v1/conversations/${id}/messages`, { body })),
    );
    expect(responses.map((response) => response.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(responses.map((response) => JSON.stringify(response.body))).size).toBe(1);
    const snapshot = await api.settled(id);
    expect(snapshot.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(api.runner.started).toHaveLength(1);
  });

  it('cancels the running turn; cancelling again, or with nothing running, is fine', async () => {
    const id = await api.createConversation();
    const idle = await api.request('POST', `/v1/conversations/${id}/cancel`);
    expect(idle.status).toBe(200);
    expect(idle.body).toEqual({ cancelled: false });

    api.runner.hold = true;
    const sent = await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'Talk forever' } });
    await vi.waitFor(async () => {
      const snapshot = await api.request('GET', `/v1/conversations/${id}`);
      const assistant = snapshot.body.messages.find((message: { role: string }) => message.role === 'assistant');
      if (assistant === undefined || textOf(assistant) === '') throw new Error('not streaming yet');
    }, 5000);

    const cancelled = await api.request('POST', `/v1/conversations/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ cancelled: true, turnId: sent.body.turnId });
    const twice = await api.request('POST', `/v1/conversations/${id}/cancel`);
    expect(twice.status).toBe(200);
    // What fetch(url, { method: 'POST', body: '' }) sends: an empty text/plain body.
    const thrice = await api.request('POST', `/v1/conversations/${id}/cancel`, {
      rawBody: '',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    expect(thrice.status).toBe(200);

    const snapshot = await api.settled(id);
    const assistant = snapshot.messages.find((message) => message.role === 'assistant');
    expect(assistant?.status).toBe('cancelled');
    expect(assistant && textOf(assistant)).toBe(FAKE_ANSWER[0]);
    expect(snapshot.activeTurn).toBeUndefined();
    const page = await api.request('GET', `/v1/conversations/${id}/events?limit=1000`);
    const ends = page.body.events.filter((event: { type: string }) => event.type === 'turn_end');
    expect(ends.map((event: { data: { reason: string } }) => event.data.reason)).toEqual(['cancelled']);
  });
});

describe('HTTP API over a real socket: event pages', () => {
  it('pages through a conversation with after and limit; the pages fold to the snapshot', async () => {
    const id = await api.createConversation();
    await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'one' } });
    await api.settled(id);
    await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'two' } });
    const snapshot = await api.settled(id);
    const head = await api.conversationHead(id);
    expect(head).toBeGreaterThan(10);

    const events: IncomingEvent[] = [];
    let after = 0;
    for (;;) {
      const page = await api.request('GET', `/v1/conversations/${id}/events?after=${after}&limit=4`);
      expect(page.status).toBe(200);
      expect(page.body.events.length).toBeLessThanOrEqual(4);
      expect(page.body.events.map((event: { offset: number }) => event.offset)).toEqual(
        page.body.events.map((_: unknown, index: number) => after + index + 1),
      );
      events.push(...page.body.events);
      after = page.body.nextOffset;
      expect(page.body.upToDate).toBe(after === head);
      if (page.body.upToDate) break;
    }
    expect(events).toHaveLength(head);
    const folded = reduceAll(createConversationState(id as ConversationId), events);
    expect(folded.messages).toEqual(snapshot.messages);

    const atHead = await api.request('GET', `/v1/conversations/${id}/events?after=${head}`);
    expect(atHead.body).toEqual({ events: [], nextOffset: head, upToDate: true });
  });

  it('serves the account stream by the same rules', async () => {
    const first = await api.createConversation();
    const second = await api.createConversation();
    await api.request('PATCH', `/v1/conversations/${first}`, { body: { title: 'First' } });
    await api.request('DELETE', `/v1/conversations/${second}`);

    const page = await api.request('GET', '/v1/account/events');
    expect(page.status).toBe(200);
    expect(page.body.upToDate).toBe(true);
    expect(page.body.nextOffset).toBe(4);
    expect(page.body.events.map((event: { type: string; offset: number }) => [event.offset, event.type])).toEqual([
      [1, 'conversation_created'],
      [2, 'conversation_created'],
      [3, 'conversation_updated'],
      [4, 'conversation_deleted'],
    ]);
    expect(page.body.events[0]).toMatchObject({ stream: 'account', data: { conversation: { id: first } } });
    expect(page.body.events[3].data).toEqual({ conversationId: second });

    const tail = await api.request('GET', '/v1/account/events?after=2&limit=1');
    expect(tail.body.events.map((event: { offset: number }) => event.offset)).toEqual([3]);
    expect(tail.body).toMatchObject({ nextOffset: 3, upToDate: false });
  });

  it('answers health with 200', async () => {
    const health = await api.request('GET', '/v1/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', log: 'sqlite' });
  });
});
