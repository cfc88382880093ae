import type { ConversationListState } from '@once/core';
import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConversationListClient } from '../src/conversation-list-client.ts';
import { createClient } from '../src/create-client.ts';
import { createConversation } from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

/** `GET /v1/conversations` as one list state: what a live list must equal. */
async function servedList(baseUrl: string): Promise<ConversationListState> {
  const response = await fetch(`${baseUrl}/v1/conversations?limit=200`);
  const body = (await response.json()) as ConversationListState & { nextCursor?: string };
  expect(body.nextCursor).toBeUndefined();
  return { offset: body.offset, conversations: body.conversations };
}

async function rename(baseUrl: string, conversationId: string, title: string): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/conversations/${conversationId}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  });
  expect(response.status).toBe(200);
}

async function remove(baseUrl: string, conversationId: string): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/conversations/${conversationId}`, { method: 'DELETE' });
  expect(response.status).toBe(204);
}

/** Waits until the list has caught up with the daemon's and checks they are equal. */
async function expectListToEqualServed(list: ConversationListClient, baseUrl: string): Promise<void> {
  const served = await servedList(baseUrl);
  await vi.waitFor(() => expect(list.store.getSnapshot().offset).toBe(served.offset), { timeout: 20_000 });
  expect(list.store.getSnapshot()).toEqual(served);
}

const titles = (list: ConversationListClient) => list.store.getSnapshot().conversations.map((entry) => entry.title);

describe('client.conversations(): the live conversation list', () => {
  it('starts from the listed conversations and shows another client’s create, rename and delete live', async () => {
    await using daemon = await startDaemon();
    const first = await createConversation(daemon.url);
    const second = await createConversation(daemon.url);
    const client = createClient({ baseUrl: daemon.url });
    const list = client.conversations();
    try {
      await vi.waitFor(() => expect(list.connection.getSnapshot().status).toBe('live'), { timeout: 10_000 });
      expect(list.store.getSnapshot().conversations.map((entry) => entry.id)).toEqual([second, first]);

      const third = await createConversation(daemon.url);
      await vi.waitFor(() => expect(list.store.getSnapshot().conversations[0]?.id).toBe(third), { timeout: 10_000 });
      await rename(daemon.url, first, 'Renamed elsewhere');
      await vi.waitFor(() => expect(titles(list)[0]).toBe('Renamed elsewhere'), { timeout: 10_000 });
      await remove(daemon.url, second);
      await vi.waitFor(() => expect(list.store.getSnapshot().conversations).toHaveLength(2), { timeout: 10_000 });

      await expectListToEqualServed(list, daemon.url);
    } finally {
      client.close();
      await list.closed;
    }
  }, 30_000);

  it('survives a kill -9 and restart of the daemon and ends equal to GET /v1/conversations', async () => {
    await using daemon = await startDaemon();
    const kept = await createConversation(daemon.url);
    const doomed = await createConversation(daemon.url);
    const client = createClient({ baseUrl: daemon.url, backoff: { initialMs: 10, maxMs: 200 } });
    const list = client.conversations();
    try {
      await vi.waitFor(() => expect(list.connection.getSnapshot().status).toBe('live'), { timeout: 10_000 });
      await rename(daemon.url, kept, 'Before the crash');
      await vi.waitFor(() => expect(titles(list)).toContain('Before the crash'), { timeout: 10_000 });

      await daemon.kill('SIGKILL');
      await vi.waitFor(() => expect(list.connection.getSnapshot().status).not.toBe('live'), { timeout: 10_000 });
      await daemon.restart();

      // Changes made by another client after the restart, before this one is back or just after.
      const created = await createConversation(daemon.url);
      await rename(daemon.url, kept, 'After the crash');
      await remove(daemon.url, doomed);

      await vi.waitFor(() => expect(list.connection.getSnapshot().status).toBe('live'), { timeout: 20_000 });
      await expectListToEqualServed(list, daemon.url);
      expect(list.store.getSnapshot().conversations.map((entry) => entry.id)).toEqual([kept, created]);
      expect(titles(list)[0]).toBe('After the crash');
    } finally {
      client.close();
      await list.closed;
    }
  }, 60_000);

  it('creates, renames and removes through its own methods', async () => {
    await using daemon = await startDaemon();
    const client = createClient({ baseUrl: daemon.url });
    const list = client.conversations();
    try {
      const created = await list.create('Drafts');
      await vi.waitFor(() => expect(titles(list)).toEqual(['Drafts']), { timeout: 10_000 });
      const renamed = await list.rename(created.id, 'Plans');
      expect(renamed).toMatchObject({ id: created.id, title: 'Plans' });
      await vi.waitFor(() => expect(titles(list)).toEqual(['Plans']), { timeout: 10_000 });
      await list.remove(created.id);
      await vi.waitFor(() => expect(list.store.getSnapshot().conversations).toEqual([]), { timeout: 10_000 });
      await expect(list.remove(created.id)).rejects.toMatchObject({ code: 'conversation_not_found' });
      await expectListToEqualServed(list, daemon.url);
    } finally {
      client.close();
      await list.closed;
    }
  }, 30_000);
});
