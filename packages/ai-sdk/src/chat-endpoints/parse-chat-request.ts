import { createHash } from 'node:crypto';
import { type ClientMessageId, clientMessageIdSchema, describeZodError, OnceError } from '@once/protocol';
import { z } from 'zod';

/** A new user message, or an edit of an earlier one (`sendMessage({ text, messageId })`). */
export interface ChatSend {
  readonly kind: 'send';
  /** `useChat({ id })`: names the conversation. */
  readonly chatId: string;
  /** The last message's text: what the user sends. */
  readonly text: string;
  /**
   * The last message's id, or for an edit an id derived from the edited message's id and
   * the new text: a retried POST sends it again and creates nothing more.
   */
  readonly clientMessageId: ClientMessageId;
  /** For an edit: the id, as the client knows it, of the user message this one replaces. */
  readonly replaces?: string;
}

/** useChat's `regenerate()`: a new answer in place of an assistant message. */
export interface ChatRegenerate {
  readonly kind: 'regenerate';
  readonly chatId: string;
  /**
   * The message `regenerate({ messageId })` named (an assistant message, or the user
   * message whose answer to regenerate); absent for `regenerate()`, the latest answer.
   */
  readonly messageId?: string;
}

/** What Once takes from the body `DefaultChatTransport` posts. */
export type ChatRequest = ChatSend | ChatRegenerate;

const LONGEST_TEXT = 100_000;

// Only the fields Once reads are checked; the rest of a UIMessage, and any `body` extras
// the app adds, are left alone (loose objects).
const messageSchema = z.looseObject({
  id: clientMessageIdSchema,
  role: z.string(),
  parts: z.array(z.looseObject({ type: z.string() })),
});
const chatRequestSchema = z.looseObject({
  id: z.string({ error: 'id (the chat id) is required' }),
  messages: z.array(messageSchema, { error: 'messages is required' }),
  trigger: z.string().optional(),
  messageId: z.string().min(1).max(128).optional(),
});

/**
 * Reads the body of `POST /v1/ai-sdk/chat` as `DefaultChatTransport` sends it
 * (`{ id, messages, trigger, messageId, ...body }`). Once holds the history itself, so
 * of a send only the last message is read: it must be the user's, with text; a
 * `messageId` with it is an edit of that message. A regenerate reads only `messageId`.
 * @throws OnceError `invalid_request` naming what to fix.
 */
export function parseChatRequest(body: unknown): ChatRequest {
  const result = chatRequestSchema.safeParse(body ?? {});
  if (!result.success) throw invalid(`Invalid request body: ${describeZodError(result.error)}`);
  const { id, messages, trigger, messageId } = result.data;
  if (trigger === 'regenerate-message') {
    return { kind: 'regenerate', chatId: id, ...(messageId === undefined ? {} : { messageId }) };
  }
  if (trigger !== undefined && trigger !== 'submit-message') {
    throw invalid(
      `trigger must be "submit-message" or "regenerate-message"; got ${JSON.stringify(trigger.slice(0, 40))}.`,
    );
  }
  const last = messages[messages.length - 1];
  if (last === undefined) throw invalid('Invalid request body: messages must not be empty.');
  if (last.role !== 'user') {
    throw invalid(`The last message must be the user's message to answer; it is a ${last.role.slice(0, 20)} message.`);
  }
  const other = last.parts.find((part) => part.type !== 'text');
  if (other !== undefined) {
    throw invalid(`Once takes text messages only; the last message has a ${other.type.slice(0, 40)} part.`);
  }
  const text = last.parts.map((part) => (typeof part.text === 'string' ? part.text : '')).join('\n\n');
  if (text.trim() === '') throw invalid('The last message has no text; send a message with some text.');
  if (text.length > LONGEST_TEXT) throw invalid('The message text must be at most 100,000 characters.');
  if (messageId === undefined) return { kind: 'send', chatId: id, text, clientMessageId: last.id as ClientMessageId };
  // useChat's edit keeps the edited message's id, which Once already holds as that
  // message's clientMessageId: the edit's own is derived from it and the new text, so a
  // retried POST is the same edit and another text is another one.
  if (last.id !== messageId) {
    throw invalid('messageId must be the id of the last message: the user message this request edits.');
  }
  return { kind: 'send', chatId: id, text, clientMessageId: editId(messageId, text), replaces: messageId };
}

function editId(messageId: string, text: string): ClientMessageId {
  const digest = createHash('sha256').update(messageId).update('\u0000').update(text).digest('hex');
  return `edit-${digest.slice(0, 40)}` as ClientMessageId;
}

function invalid(message: string): OnceError {
  return new OnceError('invalid_request', message);
}
