import type { ConversationListState } from '@once/core';
import { type Conversation, isOnceError, OnceError } from '@once/protocol';
import type { ConversationPage, Transport } from './transport.ts';

/** How many times the pages are read again when the list changed between two of them. */
const CONSISTENT_READS = 5;

/**
 * Reads every page of `GET /v1/conversations` into one list state. Each page carries the
 * account stream's offset it was read at; pages read at different offsets do not belong
 * together (a conversation may be missing or listed twice), so the read starts over; so
 * does a cursor the server no longer knows (its conversation was deleted meanwhile).
 */
export async function fetchConversationList(transport: Transport, signal: AbortSignal): Promise<ConversationListState> {
  for (let read = 0; read < CONSISTENT_READS; read += 1) {
    const first = await transport.listConversations(undefined, signal);
    const conversations: Conversation[] = [...first.conversations];
    let cursor = first.nextCursor;
    let consistent = true;
    while (cursor !== undefined && consistent) {
      const page = await nextPage(transport, cursor, signal);
      consistent = page !== undefined && page.offset === first.offset;
      if (page === undefined) break;
      conversations.push(...page.conversations);
      cursor = page.nextCursor;
    }
    if (consistent) return { offset: first.offset, conversations };
  }
  // Retryable (5xx): the connection loop backs off and reads again.
  throw new OnceError('unavailable', `The conversation list kept changing across ${CONSISTENT_READS} reads.`);
}

async function nextPage(
  transport: Transport,
  cursor: string,
  signal: AbortSignal,
): Promise<ConversationPage | undefined> {
  try {
    return await transport.listConversations(cursor, signal);
  } catch (error) {
    if (isOnceError(error) && error.code === 'bad_cursor') return undefined;
    throw error;
  }
}
