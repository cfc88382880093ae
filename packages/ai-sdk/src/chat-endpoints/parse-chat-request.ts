import { createHash } from 'node:crypto';
import {
  type ClientMessageId,
  clientMessageIdSchema,
  describeZodError,
  MAX_MESSAGE_ATTACHMENTS,
  OnceError,
} from '@once/protocol';
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
  /** The message's `file` parts, decoded from their data URLs: stored as attachments. */
  readonly files: readonly ChatFile[];
}

/** A `file` part of the message, decoded. */
export interface ChatFile {
  readonly mediaType: string;
  /** The part's `filename`, when it has one. */
  readonly name?: string;
  readonly bytes: Uint8Array;
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
  const other = last.parts.find((part) => part.type !== 'text' && part.type !== 'file');
  if (other !== undefined) {
    throw invalid(`Once takes text and file parts only; the last message has a ${other.type.slice(0, 40)} part.`);
  }
  const files = last.parts.filter((part) => part.type === 'file').map(readFile);
  if (files.length > MAX_MESSAGE_ATTACHMENTS) {
    throw invalid(`A message has at most ${MAX_MESSAGE_ATTACHMENTS} files; this one has ${files.length}.`);
  }
  const text = last.parts
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('\n\n');
  if (text.trim() === '' && files.length === 0) {
    throw invalid('The last message has no text; send a message with some text.');
  }
  if (text.length > LONGEST_TEXT) throw invalid('The message text must be at most 100,000 characters.');
  if (messageId === undefined) {
    return { kind: 'send', chatId: id, text, clientMessageId: last.id as ClientMessageId, files };
  }
  // useChat's edit keeps the edited message's id, which Once already holds as that
  // message's clientMessageId: the edit's own is derived from it and the new content, so
  // a retried POST is the same edit and other content is another one.
  if (last.id !== messageId) {
    throw invalid('messageId must be the id of the last message: the user message this request edits.');
  }
  return {
    kind: 'send',
    chatId: id,
    text,
    clientMessageId: editId(messageId, text, files),
    replaces: messageId,
    files,
  };
}

function editId(messageId: string, text: string, files: readonly ChatFile[]): ClientMessageId {
  const hash = createHash('sha256').update(messageId).update('\u0000').update(text);
  for (const file of files) hash.update('\u0000').update(file.bytes);
  const digest = hash.digest('hex');
  return `edit-${digest.slice(0, 40)}` as ClientMessageId;
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*?);base64,([A-Za-z0-9+/=\s]*)$/;

/**
 * A `file` part's bytes. useChat sends files as data URLs (`sendMessage({ files })` reads
 * them with a FileReader); Once fetches nothing from elsewhere, so another URL is refused.
 */
function readFile(part: { readonly [key: string]: unknown }): ChatFile {
  const url = typeof part.url === 'string' ? part.url : '';
  const match = DATA_URL.exec(url);
  if (match === null) {
    throw invalid(
      'A file part must carry its bytes as a base64 data URL (what useChat sends for files); Once fetches no other URL.',
    );
  }
  const mediaType = typeof part.mediaType === 'string' && part.mediaType !== '' ? part.mediaType : (match[1] ?? '');
  const name = typeof part.filename === 'string' && part.filename !== '' ? part.filename.slice(0, 255) : undefined;
  const bytes = new Uint8Array(Buffer.from(match[3] ?? '', 'base64'));
  return { mediaType, bytes, ...(name === undefined ? {} : { name }) };
}

function invalid(message: string): OnceError {
  return new OnceError('invalid_request', message);
}
