import { loadUIMessages } from '@once/ai-sdk/chat';
import type { UIMessage } from 'ai';
import { authorizationHeader, connectionOf } from './daemon-connection.ts';
import { describeFailure } from './describe-failure.ts';
import type { Settings } from './read-settings.ts';

/** A conversation ready for `useChat`: its id and the history to start from. */
export interface OpenedConversation {
  readonly id: string;
  readonly messages: UIMessage[];
}

/** The query parameter that holds the conversation's id, so a reload or a second tab opens the same one. */
const CONVERSATION_PARAMETER = 'conversation';

/**
 * Opens the conversation the page's URL names, or creates one and writes its id into the
 * URL (without a navigation), then loads its history. Once gives conversation ids out
 * (UUIDv7), so the page asks for one rather than making one up.
 */
export async function openConversation(settings: Settings): Promise<OpenedConversation> {
  const url = new URL(window.location.href);
  let id = url.searchParams.get(CONVERSATION_PARAMETER);
  if (id === null) {
    id = await createConversation(settings);
    url.searchParams.set(CONVERSATION_PARAMETER, id);
    window.history.replaceState(null, '', url);
  }
  return { id, messages: await loadHistory(settings, id) };
}

/** The conversation's messages as the daemon has them now, streaming ones included. */
export function loadHistory(settings: Settings, conversationId: string): Promise<UIMessage[]> {
  return loadUIMessages({ ...connectionOf(settings), conversationId });
}

/** `POST /v1/conversations`; the new conversation's id. */
async function createConversation(settings: Settings): Promise<string> {
  const response = await fetch(`${settings.baseUrl}/v1/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorizationHeader(settings) },
    body: '{}',
  });
  if (!response.ok) throw new Error(`The daemon could not create a conversation (${await describeFailure(response)}).`);
  const body = (await response.json()) as { conversation: { id: string } };
  return body.conversation.id;
}
