import { snapshot } from '@once/core';
import type { ConversationId, ConversationSnapshot } from '@once/protocol';
import { expect, vi } from 'vitest';
import type { ConversationClient } from '../src/conversation-client.ts';

/** The demo model streams ~150 tokens 2 ms apart: a turn takes well under a second. */
export const DEMO_FLAGS = ['--demo-delay-ms', '2', '--demo-tokens', '150'];

/** `POST /v1/conversations`; returns the new conversation's id. */
export async function createConversation(baseUrl: string, token?: string): Promise<ConversationId> {
  const body = (await request(baseUrl, 'POST', '/v1/conversations', {}, token)) as {
    conversation: { id: ConversationId };
  };
  return body.conversation.id;
}

/** `POST …/messages` straight to the daemon, as another device would. */
export async function sendDirect(baseUrl: string, conversationId: string, content: string): Promise<void> {
  await request(baseUrl, 'POST', `/v1/conversations/${conversationId}/messages`, { content });
}

/** `GET /v1/conversations/:id` without the conversation's metadata: what a store must equal. */
export async function serverSnapshot(
  baseUrl: string,
  conversationId: string,
  token?: string,
): Promise<ConversationSnapshot> {
  const { conversation: _, ...rest } = (await request(
    baseUrl,
    'GET',
    `/v1/conversations/${conversationId}`,
    undefined,
    token,
  )) as {
    conversation: unknown;
  } & ConversationSnapshot;
  return rest;
}

/** Waits until every user message is answered and no turn runs; returns the final snapshot. */
export async function waitUntilQuiet(
  baseUrl: string,
  conversationId: string,
  token?: string,
): Promise<ConversationSnapshot> {
  return vi.waitFor(
    async () => {
      const served = await serverSnapshot(baseUrl, conversationId, token);
      const users = served.messages.filter((message) => message.role === 'user').length;
      const answered = served.messages.filter(
        (message) => message.role === 'assistant' && message.status !== 'streaming',
      );
      expect(served.activeTurn).toBeUndefined();
      expect(answered).toHaveLength(users);
      return served;
    },
    { timeout: 30_000, interval: 50 },
  );
}

/** Waits until the client's store has caught up with `served` and checks it equals it. */
export async function expectStoreToEqual(client: ConversationClient, served: ConversationSnapshot): Promise<void> {
  await vi.waitFor(() => expect(client.store.getSnapshot().offset).toBe(served.offset), {
    timeout: 30_000,
    interval: 20,
  });
  expect(snapshot(client.store.getSnapshot())).toEqual(served);
  expect(client.store.getSnapshot().pending).toEqual([]);
}

async function request(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}
