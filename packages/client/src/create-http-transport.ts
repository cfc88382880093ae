import {
  attachmentSchema,
  type Conversation,
  type ConversationId,
  type ConversationSnapshot,
  conversationSchema,
  conversationSnapshotSchema,
  describeZodError,
  messagePageSchema,
  OnceError,
  offsetSchema,
} from '@once/protocol';
import { readErrorResponse } from './read-error-response.ts';
import { readSseItems } from './read-sse-items.ts';
import type { ConversationPage, RegenerateResult, SendResult, StreamKey, Transport } from './transport.ts';

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** The daemon's address, e.g. `http://127.0.0.1:7420`; a trailing slash is ignored. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` on every request. Default: none (a daemon without auth). */
  readonly token?: string;
  /** The `fetch` to use. Default: `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /**
   * Asks conversation streams for the compact wire form (`?format=compact`, decision 019):
   * streamed text costs a few bytes per delta instead of a full envelope. Events come out
   * the same either way. Default true; a daemon that predates it sends full envelopes.
   */
  readonly compact?: boolean;
}

/**
 * The default transport: JSON over `fetch`, and the live stream as server-sent events read
 * from a `fetch` body with `eventsource-parser` (not `EventSource`, which can neither send
 * an `Authorization` header nor be told when to give up). Network failures are thrown as
 * `OnceError` `unavailable`, with the platform's error as `cause`.
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImplementation = options.fetch ?? globalThis.fetch.bind(globalThis);
  const compactQuery = options.compact === false ? '' : '&format=compact';
  const authorization: Record<string, string> =
    options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };

  const request = async (path: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Response> => {
    let response: Response;
    try {
      response = await fetchImplementation(`${baseUrl}${path}`, {
        ...init,
        headers: { ...authorization, ...(init.headers as Record<string, string> | undefined) },
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new OnceError('unavailable', `Could not reach the daemon at ${baseUrl}.`, { cause: error });
    }
    if (!response.ok) throw await readErrorResponse(response);
    return response;
  };

  const sendJson = async (
    method: 'POST' | 'PATCH',
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<unknown> => {
    const response = await request(
      path,
      {
        method,
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      signal,
    );
    return response.json();
  };
  const postJson = (path: string, body: unknown, signal: AbortSignal | undefined) =>
    sendJson('POST', path, body, signal);

  return {
    async snapshot(conversationId, signal, options = {}) {
      const query = options.limit === undefined ? '' : `?limit=${options.limit}`;
      const response = await request(
        `${conversationPath(conversationId)}${query}`,
        { headers: { accept: 'application/json' } },
        signal,
      );
      return parseSnapshot(await response.json());
    },

    async olderMessages(conversationId, before, limit, signal) {
      const query = `?before=${encodeURIComponent(before)}&limit=${limit}`;
      const response = await request(
        `${conversationPath(conversationId)}/messages${query}`,
        { headers: { accept: 'application/json' } },
        signal,
      );
      const result = messagePageSchema.safeParse(await response.json());
      if (result.success) return result.data;
      throw unreadable('page of messages', describeZodError(result.error));
    },

    events(stream, afterOffset, signal) {
      // Not an async generator around the body's items: one more layer of generator would
      // add its own promises to every item of a live stream (decision 028).
      return openedLater(async () => {
        const response = await request(
          `${eventsPath(stream)}?after=${afterOffset}${stream.stream === 'conversation' ? compactQuery : ''}`,
          { headers: { accept: 'text/event-stream' } },
          signal,
        );
        if (response.body === null || !response.headers.get('content-type')?.includes('text/event-stream')) {
          throw new OnceError('unavailable', `${baseUrl} did not answer with an event stream.`);
        }
        // A socket torn mid-body surfaces as `unavailable`, unless the caller aborted it.
        return readSseItems(response.body, {
          brokenOff: (error) =>
            signal.aborted
              ? error
              : new OnceError('unavailable', `The event stream from ${baseUrl} broke off.`, { cause: error }),
        });
      });
    },

    async send(conversationId, input, signal) {
      return (await postJson(`${conversationPath(conversationId)}/messages`, input, signal)) as SendResult;
    },

    async regenerate(conversationId, messageId, input, signal) {
      const path = `${conversationPath(conversationId)}/messages/${encodeURIComponent(messageId)}/regenerate`;
      return (await postJson(path, input, signal)) as RegenerateResult;
    },

    async selectBranch(conversationId, messageId, signal) {
      await postJson(`${conversationPath(conversationId)}/branch`, { messageId }, signal);
    },

    async uploadAttachment(data, details, signal) {
      const query = details.name === undefined ? '' : `?name=${encodeURIComponent(details.name)}`;
      const response = await request(
        `/v1/attachments${query}`,
        // A Uint8Array is sent as it is; fetch sets no content type of its own over ours.
        {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': details.mediaType },
          body: data as NonNullable<RequestInit['body']>,
        },
        signal,
      );
      const result = attachmentSchema.safeParse(((await response.json()) as { attachment?: unknown }).attachment);
      if (result.success) return result.data;
      throw unreadable('attachment', describeZodError(result.error));
    },

    async deleteAttachment(hash, signal) {
      await request(`/v1/attachments/${encodeURIComponent(hash)}`, { method: 'DELETE' }, signal);
    },

    attachmentUrl(hash) {
      const token = options.token === undefined ? '' : `?token=${encodeURIComponent(options.token)}`;
      return `${baseUrl}/v1/attachments/${encodeURIComponent(hash)}${token}`;
    },

    async cancel(conversationId, signal) {
      await postJson(`${conversationPath(conversationId)}/cancel`, {}, signal);
    },

    async decide(conversationId, toolUseId, decision, signal) {
      const path = `${conversationPath(conversationId)}/approvals/${encodeURIComponent(toolUseId)}`;
      await postJson(path, { decision }, signal);
    },

    async listConversations(cursor, signal) {
      const query = cursor === undefined ? '?limit=200' : `?limit=200&cursor=${encodeURIComponent(cursor)}`;
      const response = await request(`/v1/conversations${query}`, { headers: { accept: 'application/json' } }, signal);
      return parsePage(await response.json());
    },

    async createConversation(title, signal) {
      const body = await postJson('/v1/conversations', title === undefined ? {} : { title }, signal);
      return parseConversation((body as { conversation?: unknown } | null)?.conversation);
    },

    async renameConversation(conversationId, title, signal) {
      const body = await sendJson('PATCH', conversationPath(conversationId), { title }, signal);
      return parseConversation((body as { conversation?: unknown } | null)?.conversation);
    },

    async deleteConversation(conversationId, signal) {
      await request(conversationPath(conversationId), { method: 'DELETE' }, signal);
    },
  };
}

function conversationPath(conversationId: ConversationId): string {
  return `/v1/conversations/${encodeURIComponent(conversationId)}`;
}

function eventsPath(stream: StreamKey): string {
  return stream.stream === 'account' ? '/v1/account/events' : `${conversationPath(stream.conversationId)}/events`;
}

function parseConversation(body: unknown): Conversation {
  const result = conversationSchema.safeParse(body);
  if (result.success) return result.data;
  throw unreadable('conversation', describeZodError(result.error));
}

function parsePage(body: unknown): ConversationPage {
  const page = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const offset = offsetSchema.safeParse(page.offset);
  if (!offset.success) throw unreadable('conversation list', describeZodError(offset.error));
  if (!Array.isArray(page.conversations)) throw unreadable('conversation list', 'conversations is not an array');
  if (page.nextCursor !== undefined && typeof page.nextCursor !== 'string') {
    throw unreadable('conversation list', 'nextCursor is not a string');
  }
  const conversations = page.conversations.map(parseConversation);
  return {
    conversations,
    offset: offset.data,
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

function unreadable(what: string, why: string): OnceError {
  return new OnceError('invalid_event', `The daemon sent a ${what} this client cannot read: ${why}`);
}

function parseSnapshot(body: unknown): ConversationSnapshot {
  const result = conversationSnapshotSchema.safeParse(body);
  if (result.success) return result.data;
  throw new OnceError(
    'invalid_event',
    `The daemon sent a snapshot this client cannot read: ${describeZodError(result.error)}`,
  );
}

/**
 * An async iterable that opens its iterator on the first `next()` (as an async generator
 * starts its body), then hands over that iterator's results as they are.
 */
function openedLater<T>(open: () => Promise<AsyncIterator<T>>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      let opening: Promise<AsyncIterator<T>> | undefined;
      let opened: AsyncIterator<T> | undefined;
      return {
        next() {
          if (opened !== undefined) return opened.next();
          opening ??= open();
          return opening.then((iterator) => {
            opened = iterator;
            return iterator.next();
          });
        },
        async return() {
          const iterator = opened ?? (await opening?.catch(() => undefined));
          return (await iterator?.return?.()) ?? { done: true, value: undefined };
        },
      };
    },
  };
}
