import { createHttpTransport } from '@once/client';
import { currentPath } from '@once/core';
import type { UIMessage } from 'ai';
import { toUIMessages } from '../ui-message/to-ui-messages.ts';
import { dataEventType, STEP_START_EVENT, type UIPartEvent } from '../ui-message/ui-part-events.ts';
import { conversationIdOf } from './conversation-id-of.ts';

/** Options of {@link loadUIMessages}. */
export interface LoadUIMessagesOptions {
  /** The daemon's address, e.g. `http://127.0.0.1:7420`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. Default: none. */
  readonly token?: string;
  /** The Once conversation to load. */
  readonly conversationId: string;
  /** The `fetch` to use. Default: `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /**
   * As `OnceChatTransport`'s option of the same name: read step boundaries and these
   * data parts from the conversation's app events. Costs reading the conversation's
   * whole event log, 1,000 events a request. Default: none (steps inferred).
   */
  readonly dataPartNames?: readonly string[];
  /** Aborts the requests. */
  readonly signal?: AbortSignal;
}

const PAGE_SIZE = 1000;

/**
 * A conversation's messages as `UIMessage`s for `useChat({ id, messages })`, with the ids
 * its streams use: a reload shows the history, and a resumed stream replaces the message
 * that was streaming instead of adding a second one. A message still streaming is
 * included as far as it got; `resume: true` then continues it. Only the current path
 * is loaded (decision 022): not the answers a regenerate replaced, nor edited messages. Files sent with a user
 * message are `file` parts whose `url` is the daemon's `/v1/attachments/<hash>` (with
 * `?token=` when a token is given, so an `<img src>` shows it).
 */
export async function loadUIMessages<UI_MESSAGE extends UIMessage = UIMessage>(
  options: LoadUIMessagesOptions,
): Promise<UI_MESSAGE[]> {
  const conversationId = conversationIdOf(options.conversationId, undefined);
  const http = createHttpTransport({
    baseUrl: options.baseUrl,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const snapshot = await http.snapshot(conversationId, options.signal);
  const events =
    options.dataPartNames === undefined
      ? undefined
      : await readPartEvents(options, options.dataPartNames, snapshot.offset);
  // A user message's files become `file` parts whose URL this reader can fetch.
  // The current path only: the answers a regenerate replaced and the messages an edit
  // replaced stay in the snapshot, but useChat shows one line of messages.
  const { attachmentUrl } = http;
  return toUIMessages(
    currentPath(snapshot),
    events,
    attachmentUrl === undefined ? {} : { attachmentUrl: (attachment) => attachmentUrl(attachment.hash) },
  ) as UI_MESSAGE[];
}

/** The step and data-part events of the conversation up to `offset`, a JSON page at a time. */
async function readPartEvents(
  options: LoadUIMessagesOptions,
  dataPartNames: readonly string[],
  offset: number,
): Promise<UIPartEvent[]> {
  const types = new Set([STEP_START_EVENT, ...dataPartNames.map(dataEventType)]);
  const fetchPage = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = `${options.baseUrl.replace(/\/+$/, '')}/v1/conversations/${options.conversationId}/events`;
  const headers: Record<string, string> =
    options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
  const events: UIPartEvent[] = [];
  for (let after = 0; after < offset; ) {
    const response = await fetchPage(`${base}?after=${after}&limit=${PAGE_SIZE}`, {
      headers,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (!response.ok) throw new Error(`Reading the conversation's events failed with HTTP ${response.status}.`);
    const page = (await response.json()) as {
      events: { offset: number; type: string; data: unknown }[];
      nextOffset: number;
    };
    for (const event of page.events) if (event.offset <= offset && types.has(event.type)) events.push(event);
    if (page.events.length === 0 || page.nextOffset <= after) break;
    after = page.nextOffset;
  }
  return events.map(({ type, data }) => ({ type, data }));
}
