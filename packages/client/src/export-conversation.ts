import { type ExportFormat, OnceError } from '@once/protocol';
import { readErrorResponse } from './read-error-response.ts';

/** Where {@link exportConversation} asks, and how. */
export interface ExportConversationOptions {
  /** The daemon's address, e.g. `http://127.0.0.1:7420`; a trailing slash is ignored. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. Default: none (a daemon without auth). */
  readonly token?: string;
  /** The `fetch` to use. Default: `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** Aborts the request, and the reading of the body. Default: none. */
  readonly signal?: AbortSignal;
}

/** A conversation's export as the daemon sends it, its body not read yet. */
export interface ConversationExport {
  readonly format: ExportFormat;
  /** The name the daemon suggests saving it under, e.g. `trip-to-lisbon-2026-11-23.md`. */
  readonly fileName: string;
  /** Its media type, e.g. `text/markdown; charset=utf-8`. */
  readonly contentType: string;
  /**
   * The file's bytes as they arrive: an `events` export of a long conversation is large,
   * so write it on rather than holding it. Read it once, or call {@link text}.
   */
  readonly body: ReadableStream<Uint8Array>;
  /** Reads the whole body as text. */
  text(): Promise<string>;
}

/**
 * `GET /v1/conversations/:id/export?format=`: a conversation as Markdown, as its JSON
 * snapshot or as its stored events (NDJSON). Resolves once the daemon has accepted the
 * request, before the body is read.
 * @param format Default `markdown`.
 * @throws OnceError what the daemon refused with (`conversation_not_found`,
 *   `invalid_request`, `unauthorized`), or `unavailable` when it cannot be reached.
 */
export async function exportConversation(
  options: ExportConversationOptions,
  conversationId: string,
  format: ExportFormat = 'markdown',
): Promise<ConversationExport> {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImplementation = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await fetchImplementation(
      `${baseUrl}/v1/conversations/${encodeURIComponent(conversationId)}/export?format=${format}`,
      {
        headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    );
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new OnceError('unavailable', `Could not reach the daemon at ${baseUrl}.`, { cause: error });
  }
  if (!response.ok) throw await readErrorResponse(response);
  const body = response.body ?? new Blob([]).stream();
  return {
    format,
    fileName: fileNameOf(response.headers.get('content-disposition')) ?? `${conversationId}.${format}`,
    contentType: response.headers.get('content-type') ?? 'application/octet-stream',
    body,
    text: () => new Response(body).text(),
  };
}

function fileNameOf(disposition: string | null): string | undefined {
  return disposition === null ? undefined : /filename="([^"]*)"/.exec(disposition)?.[1];
}
