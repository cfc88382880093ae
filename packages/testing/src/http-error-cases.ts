import { ERROR_STATUS, type ErrorCode } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import type { DaemonRequest } from './daemon-client.ts';
import { MAX_BODY_BYTES, type SuiteDaemon } from './http-protocol-fixture.ts';
import { readConversation } from './read-conversation.ts';

/** One refused request: what is sent, and the error a person should get back. */
interface RefusedRequest {
  readonly name: string;
  readonly method: string;
  /** The path, given the id of a conversation that exists and holds one answered turn. */
  readonly path: (id: string) => string;
  readonly request?: DaemonRequest;
  readonly code: ErrorCode;
  /** Words the message must contain, so it says what is wrong. */
  readonly words: readonly RegExp[];
}

const UNKNOWN_ID = '019a5b1e-2f00-7c3a-9b1d-4e5f60718293';
const conversation = (id: string) => `/v1/conversations/${id}`;
const messages = (id: string) => `/v1/conversations/${id}/messages`;
const raw = (rawBody: string): DaemonRequest => ({ rawBody, headers: { 'content-type': 'application/json' } });
const aiSdkChat = '/v1/ai-sdk/chat';
/** A user message as the AI SDK's DefaultChatTransport sends it. */
const userMessage = (text: string) => ({ id: 'user-1', role: 'user', parts: [{ type: 'text', text }] });
const unknownConversation = {
  code: 'conversation_not_found',
  words: [/no conversation/, new RegExp(UNKNOWN_ID)],
} as const;

const REFUSED: readonly RefusedRequest[] = [
  {
    name: 'the snapshot of an unknown conversation',
    method: 'GET',
    path: () => conversation(UNKNOWN_ID),
    ...unknownConversation,
  },
  {
    name: 'renaming an unknown conversation',
    method: 'PATCH',
    path: () => conversation(UNKNOWN_ID),
    request: { body: { title: 'Mine' } },
    ...unknownConversation,
  },
  {
    name: 'deleting an unknown conversation',
    method: 'DELETE',
    path: () => conversation(UNKNOWN_ID),
    ...unknownConversation,
  },
  {
    name: 'a message to an unknown conversation',
    method: 'POST',
    path: () => messages(UNKNOWN_ID),
    request: { body: { content: 'Hello?' } },
    ...unknownConversation,
  },
  {
    name: 'cancelling in an unknown conversation',
    method: 'POST',
    path: () => `${conversation(UNKNOWN_ID)}/cancel`,
    ...unknownConversation,
  },
  {
    name: 'a page of an unknown conversation',
    method: 'GET',
    path: () => `${conversation(UNKNOWN_ID)}/events`,
    ...unknownConversation,
  },
  {
    name: 'an event stream of an unknown conversation',
    method: 'GET',
    path: () => `${conversation(UNKNOWN_ID)}/events`,
    request: { headers: { accept: 'text/event-stream' } },
    ...unknownConversation,
  },
  {
    name: 'the snapshot of a conversation id that is no UUID',
    method: 'GET',
    path: () => conversation('not-a-conversation'),
    code: 'conversation_not_found',
    words: [/no conversation/],
  },
  {
    name: 'a message to a conversation id that is no UUID',
    method: 'POST',
    path: () => messages('not-a-conversation'),
    request: { body: { content: 'Hello?' } },
    code: 'conversation_not_found',
    words: [/no conversation/],
  },
  {
    name: 'an event stream of a conversation id that is no UUID',
    method: 'GET',
    path: () => `${conversation('not-a-conversation')}/events`,
    request: { headers: { accept: 'text/event-stream' } },
    code: 'conversation_not_found',
    words: [/no conversation/],
  },
  {
    name: 'malformed JSON in a message',
    method: 'POST',
    path: messages,
    request: raw('{"content": "hi"'),
    code: 'invalid_json',
    words: [/not valid JSON/],
  },
  {
    name: 'malformed JSON in a new conversation',
    method: 'POST',
    path: () => '/v1/conversations',
    request: raw('{'),
    code: 'invalid_json',
    words: [/not valid JSON/],
  },
  {
    name: 'malformed JSON in a rename',
    method: 'PATCH',
    path: conversation,
    request: raw('{"title":'),
    code: 'invalid_json',
    words: [/not valid JSON/],
  },
  {
    name: 'content that is not a string',
    method: 'POST',
    path: messages,
    request: { body: { content: 5 } },
    code: 'invalid_request',
    words: [/content/, /string/],
  },
  {
    name: 'a clientMessageId that is not a string',
    method: 'POST',
    path: messages,
    request: { body: { content: 'hi', clientMessageId: 7 } },
    code: 'invalid_request',
    words: [/clientMessageId/, /string/],
  },
  {
    name: 'a message of only whitespace',
    method: 'POST',
    path: messages,
    request: { body: { content: ' \n\t ' } },
    code: 'invalid_request',
    words: [/content/, /empty/],
  },
  {
    name: 'a message without content',
    method: 'POST',
    path: messages,
    request: { body: {} },
    code: 'invalid_request',
    words: [/content/],
  },
  {
    name: 'a title that is not a string',
    method: 'PATCH',
    path: conversation,
    request: { body: { title: 5 } },
    code: 'invalid_request',
    words: [/title/, /string/],
  },
  {
    name: 'a JSON array instead of an object',
    method: 'POST',
    path: messages,
    request: raw('[]'),
    code: 'invalid_request',
    words: [/object/],
  },
  {
    name: `a message body over --max-body-bytes ${MAX_BODY_BYTES}`,
    method: 'POST',
    path: messages,
    request: { body: { content: 'x'.repeat(MAX_BODY_BYTES) } },
    code: 'payload_too_large',
    words: [new RegExp(`larger than ${MAX_BODY_BYTES} bytes`)],
  },
  {
    name: `a new conversation over --max-body-bytes ${MAX_BODY_BYTES}`,
    method: 'POST',
    path: () => '/v1/conversations',
    request: { body: { title: 't'.repeat(MAX_BODY_BYTES) } },
    code: 'payload_too_large',
    words: [new RegExp(`larger than ${MAX_BODY_BYTES} bytes`)],
  },
  {
    name: 'an AI SDK chat request that is not JSON',
    method: 'POST',
    path: () => aiSdkChat,
    request: raw('{"id": "chat-1", "messages": ['),
    code: 'invalid_json',
    words: [/not valid JSON/],
  },
  {
    name: 'an AI SDK chat request without messages',
    method: 'POST',
    path: () => aiSdkChat,
    request: { body: { id: 'chat-1', messages: [] } },
    code: 'invalid_request',
    words: [/messages/],
  },
  {
    name: 'an AI SDK chat request whose last message is not the user’s',
    method: 'POST',
    path: () => aiSdkChat,
    request: {
      body: { id: 'chat-1', messages: [{ id: 'a-1', role: 'assistant', parts: [{ type: 'text', text: 'Hi' }] }] },
    },
    code: 'invalid_request',
    words: [/user/],
  },
  {
    name: 'an AI SDK chat request of only whitespace, to an existing conversation',
    method: 'POST',
    path: () => aiSdkChat,
    request: { body: { id: 'chat-1', messages: [userMessage('  \n ')] } },
    code: 'invalid_request',
    words: [/text/],
  },
  {
    name: 'an AI SDK regenerate of a chat that does not exist (it creates none)',
    method: 'POST',
    path: () => aiSdkChat,
    request: { body: { id: 'no-such-chat', trigger: 'regenerate-message', messages: [userMessage('Again')] } },
    code: 'conversation_not_found',
    words: [/no-such-chat/],
  },
  {
    name: 'an AI SDK resume of an unknown chat',
    method: 'GET',
    path: () => `${aiSdkChat}/no-such-chat/stream`,
    code: 'conversation_not_found',
    words: [/no-such-chat/],
  },
  {
    name: 'an unknown route',
    method: 'GET',
    path: () => '/v1/nothing-here',
    code: 'not_found',
    words: [/GET \/v1\/nothing-here/],
  },
];

/**
 * Refused requests: the status that goes with the code, `{ error: { code, message } }` with a
 * sentence naming what is wrong, and nothing written to the conversation or the account.
 */
export function describeErrorCases(daemon: () => SuiteDaemon): void {
  describe('errors', () => {
    it.each(REFUSED)('refuses $name with $code, and writes nothing', async (refused) => {
      const client = daemon().client();
      const id = await client.createConversation();
      await client.sendMessage(id, 'Hello');
      const { snapshot: before } = await readConversation(client, id);
      const accountBefore = await client.accountHead();

      const response = await client.request(refused.method, refused.path(id), refused.request);

      expect(response.status).toBe(ERROR_STATUS[refused.code]);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.body).toEqual({ error: { code: refused.code, message: expect.any(String) } });
      const message: string = response.body.error.message;
      expect(message).toMatch(/^[A-Z"].*[.!]$/s);
      for (const word of refused.words) expect(message).toMatch(word);
      expect(await client.getSnapshot(id)).toEqual(before);
      expect(await client.accountHead()).toBe(accountBefore);
      expect((await client.request('GET', '/v1/health')).status).toBe(200);
    });
  });
}
