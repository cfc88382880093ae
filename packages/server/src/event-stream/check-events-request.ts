import type { IncomingHttpHeaders } from 'node:http';
import type { StreamKey } from '@once/log';
import type { Conversation, Offset } from '@once/protocol';
import { z } from 'zod';
import { parseInput } from '../http/parse-input.ts';
import type { AccountResolver } from '../http/request-account.ts';
import type { EventsRoute } from './event-stream-routes.ts';
import { type EventsQuery, readEventsRequest } from './read-events-request.ts';

/** An events request, as routed: by Fastify, or by `matchEventStreamRoute` below it. */
export interface EventsRequestInput {
  readonly route: EventsRoute;
  readonly headers: IncomingHttpHeaders;
  /** The parsed query string. */
  readonly query: unknown;
}

/** Finds a conversation an account can see; rejects with `conversation_not_found` otherwise. */
export interface ConversationLookUp {
  get(accountId: string, conversationId: string): Promise<Conversation>;
}

/** What the checks need. */
export interface EventsRequestChecks {
  readonly accountOf: AccountResolver;
  /** The account directory, or a look-up already made for this request (`CarriedLookUp`). */
  readonly conversations: ConversationLookUp;
}

/** An events request the checks accepted. */
export interface CheckedEventsRequest {
  readonly stream: StreamKey;
  readonly query: EventsQuery;
  /** The offset of the last event the client has; `'tail'` for only new events. */
  readonly cursor: Offset | 'tail';
}

const idParams = z.object({ id: z.string().min(1).max(100) });

/**
 * The checks of `GET …/events`, the one place they live: the Fastify route runs them for
 * JSON pages and streams, the paths below Fastify for streams, so every path accepts and
 * refuses exactly the same requests. Their order decides which error a request with
 * several faults gets: auth, the id, the conversation, then the query and cursor.
 * @throws OnceError `unauthorized`, `invalid_request`, `conversation_not_found` or `bad_cursor`.
 */
export async function checkEventsRequest(
  request: EventsRequestInput,
  checks: EventsRequestChecks,
): Promise<CheckedEventsRequest> {
  const account = checks.accountOf(request, { allowQueryToken: true });
  let stream: StreamKey;
  if (request.route.kind === 'conversation') {
    const { id } = parseInput(idParams, { id: request.route.id }, 'path');
    const conversation = await checks.conversations.get(account, id);
    stream = { stream: 'conversation', conversationId: conversation.id };
  } else {
    stream = { stream: 'account', accountId: account };
  }
  const { query, cursor } = readEventsRequest(request.query, request.headers);
  return { stream, query, cursor };
}
