import type { ConversationId } from '@once/protocol';
import type { SnapshotResponse } from '@once/testing';
import { expect, vi } from 'vitest';

export type { SnapshotResponse };

/** `POST /v1/conversations`; returns the new conversation's id. */
export async function createConversation(baseUrl: string): Promise<ConversationId> {
  const body = (await request(baseUrl, 'POST', '/v1/conversations', {})) as { conversation: { id: ConversationId } };
  return body.conversation.id;
}

/** `POST /v1/conversations/:id/messages`; the daemon answers it with a demo turn. */
export async function sendMessage(
  baseUrl: string,
  conversationId: string,
  content: string,
  clientMessageId?: string,
): Promise<{ userMessageId: string; turnId: string }> {
  const body = clientMessageId === undefined ? { content } : { content, clientMessageId };
  return (await request(baseUrl, 'POST', `/v1/conversations/${conversationId}/messages`, body)) as {
    userMessageId: string;
    turnId: string;
  };
}

/** `POST /v1/conversations/:id/cancel`: cancels the running turn, if any. */
export async function cancelTurn(
  baseUrl: string,
  conversationId: string,
): Promise<{ cancelled: boolean; turnId?: string }> {
  return (await request(baseUrl, 'POST', `/v1/conversations/${conversationId}/cancel`, {})) as {
    cancelled: boolean;
    turnId?: string;
  };
}

/** `GET /v1/conversations/:id`: the server's snapshot. */
export async function getSnapshot(baseUrl: string, conversationId: string): Promise<SnapshotResponse> {
  return (await request(baseUrl, 'GET', `/v1/conversations/${conversationId}`)) as SnapshotResponse;
}

/** The conversation once it holds `messages` messages, every one complete (20 s at most). */
export async function settledSnapshot(
  baseUrl: string,
  conversationId: string,
  messages: number,
): Promise<SnapshotResponse> {
  let snapshot: SnapshotResponse | undefined;
  await vi.waitFor(
    async () => {
      snapshot = await getSnapshot(baseUrl, conversationId);
      expect(snapshot.messages.map((message) => message.status)).toEqual(Array(messages).fill('complete'));
    },
    { timeout: 20_000, interval: 50 },
  );
  return snapshot as SnapshotResponse;
}

/** The conversation's live events URL. */
export function eventsUrl(baseUrl: string, conversationId: string): string {
  return `${baseUrl}/v1/conversations/${conversationId}/events`;
}

async function request(baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}
