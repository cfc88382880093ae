// Bytes on the wire per character of answer text (issue 15): one answer at a time read
// whole, on each way a client can read it. The peer's POST /api/chat and Once's POST
// /v1/ai-sdk/chat send the AI SDK's UI message stream; Once's own event stream
// (GET /v1/conversations/:id/events) sends the turn's events, in full envelopes or in the
// compact form (`?format=compact`, decision 019). Response bodies only (no HTTP head, no
// chunked-encoding framing), counted from the first byte to the end of the turn.
import { generateId } from 'ai';
import { type AnswerSpec, promptFor, wordOf } from './answer-model.ts';

/** How a client reads one answer. */
export type WireReader = 'ui-message-stream' | 'events-full' | 'events-compact';

/** Characters of text in an untimed answer of `spec`. */
export function answerCharacters(spec: AnswerSpec): number {
  let characters = 0;
  for (let index = 0; index < spec.tokens; index += 1) characters += wordOf(index).length;
  return characters;
}

/** Body bytes of a response until `isEnd` sees the end in what was read so far (or the body ends). */
async function bodyBytes(response: Response, isEnd: (text: string) => boolean, abort: () => void): Promise<number> {
  if (response.body === null) return 0;
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = '';
  try {
    for await (const chunk of response.body) {
      bytes += chunk.byteLength;
      text += decoder.decode(chunk, { stream: true });
      if (isEnd(text)) break;
    }
  } finally {
    abort();
  }
  return bytes;
}

/**
 * Reads one answer of `spec` from the server at `baseUrl` (`path` is the chat route for
 * the UI message stream) and returns its body bytes per character of answer text.
 * `newChatId` makes the chat (for Once's event stream, a conversation).
 */
export async function bytesPerCharacter(
  baseUrl: string,
  reader: WireReader,
  spec: AnswerSpec,
  newChatId: () => Promise<string>,
  path = '/api/chat',
): Promise<number> {
  const chatId = await newChatId();
  const prompt = promptFor(spec);
  const controller = new AbortController();
  const abort = () => controller.abort();
  let bytes: number;
  if (reader === 'ui-message-stream') {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: chatId,
        trigger: 'submit-message',
        messages: [{ id: generateId(), role: 'user', parts: [{ type: 'text', text: prompt }] }],
      }),
    });
    bytes = await bodyBytes(response, (text) => text.includes('data: [DONE]'), abort);
  } else {
    await fetch(`${baseUrl}/v1/conversations/${chatId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: prompt }),
    });
    const format = reader === 'events-compact' ? '&format=compact' : '';
    const response = await fetch(`${baseUrl}/v1/conversations/${chatId}/events?after=0${format}`, {
      signal: controller.signal,
      headers: { accept: 'text/event-stream' },
    });
    // The stream stays open after the turn: the reader lets go at turn_end's frame.
    bytes = await bodyBytes(response, (text) => /event: turn_end\n[^\n]*\n\n/.test(text), abort);
  }
  return bytes / answerCharacters(spec);
}
