import type { Conversation } from '@once/protocol';

/** `GET /v1/conversations`: the first page, most recently active first. */
export async function listConversations(): Promise<readonly Conversation[]> {
  const body = (await request('/v1/conversations', { method: 'GET' })) as { conversations: Conversation[] };
  return body.conversations;
}

/** `POST /v1/conversations`: a new, empty conversation. */
export async function createConversation(): Promise<Conversation> {
  const body = (await request('/v1/conversations', { method: 'POST' })) as { conversation: Conversation };
  return body.conversation;
}

async function request(path: string, init: RequestInit): Promise<unknown> {
  const response = await fetch(new URL(path, location.origin), init);
  const body: unknown = await response.json();
  if (!response.ok) {
    const message = (body as { error?: { message?: string } }).error?.message ?? response.statusText;
    throw new Error(message);
  }
  return body;
}
