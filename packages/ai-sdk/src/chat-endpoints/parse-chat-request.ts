import { type ClientMessageId, clientMessageIdSchema, describeZodError, OnceError } from '@once/protocol';
import { z } from 'zod';

/** What Once takes from the body `DefaultChatTransport` posts. */
export interface ChatRequest {
  /** `useChat({ id })`: names the conversation. */
  readonly chatId: string;
  /** The last message's text: what the user sends. */
  readonly text: string;
  /** The last message's id: a retried POST sends it again and creates nothing more. */
  readonly clientMessageId: ClientMessageId;
}

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
  messages: z.array(messageSchema, { error: 'messages is required' }).min(1, 'messages must not be empty'),
  trigger: z.string().optional(),
  messageId: z.string().optional(),
});

/**
 * Reads the body of `POST /v1/ai-sdk/chat` as `DefaultChatTransport` sends it
 * (`{ id, messages, trigger, messageId, ...body }`). Once holds the history itself, so
 * only the last message is read: it must be the user's, with text.
 * @throws OnceError `invalid_request` naming what to fix.
 */
export function parseChatRequest(body: unknown): ChatRequest {
  const result = chatRequestSchema.safeParse(body ?? {});
  if (!result.success) throw invalid(`Invalid request body: ${describeZodError(result.error)}`);
  const { id, messages, trigger, messageId } = result.data;
  if (trigger === 'regenerate-message') {
    throw invalid('Once does not regenerate answers: send a new user message instead (trigger "submit-message").');
  }
  if (trigger !== undefined && trigger !== 'submit-message') {
    throw invalid(`trigger must be "submit-message"; got ${JSON.stringify(trigger.slice(0, 40))}.`);
  }
  // `messageId` with a submit replaces an earlier message (an edit): Once's history only grows.
  if (messageId !== undefined) {
    throw invalid('Once does not edit sent messages: send the new text as a new message, without messageId.');
  }
  const last = messages[messages.length - 1] as z.infer<typeof messageSchema>;
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
  return { chatId: id, text, clientMessageId: last.id as ClientMessageId };
}

function invalid(message: string): OnceError {
  return new OnceError('invalid_request', message);
}
