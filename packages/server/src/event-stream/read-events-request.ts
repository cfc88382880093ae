import type { IncomingHttpHeaders } from 'node:http';
import { type Offset, parseCursor } from '@once/protocol';
import { z } from 'zod';
import { parseInput } from '../http/parse-input.ts';

/**
 * The query and cursor of `GET …/events`, read by `checkEventsRequest` for every path.
 */

/** The query of an events request. */
export const eventsQuery = z.object({
  after: z.string().max(40).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1, 'limit must be at least 1')
    .max(1000, 'limit must be at most 1000')
    .default(100),
  live: z.enum(['tail'], { message: 'live accepts only "tail"' }).optional(),
  token: z.string().optional(),
  format: z.enum(['full', 'compact'], { message: 'format accepts only "full" or "compact"' }).optional(),
});

/** An events request's validated query. */
export type EventsQuery = z.infer<typeof eventsQuery>;

/** An events request's validated query and its cursor. */
export interface EventsRequest {
  readonly query: EventsQuery;
  /** The offset of the last event the client has; `'tail'` for only new events. */
  readonly cursor: Offset | 'tail';
}

/**
 * Validates the query and finds the cursor: `?after=` wins over `Last-Event-ID`; with
 * neither, the start of the stream, unless `?live=tail`.
 * @throws OnceError `invalid_request` for a bad query, `bad_cursor` for a malformed cursor.
 */
export function readEventsRequest(rawQuery: unknown, headers: IncomingHttpHeaders): EventsRequest {
  const query = parseInput(eventsQuery, rawQuery, 'query');
  const lastEventId = headers['last-event-id'];
  const cursorText = query.after ?? (typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : undefined);
  const cursor: Offset | 'tail' =
    cursorText !== undefined ? parseCursor(cursorText) : query.live === 'tail' ? 'tail' : (0 as Offset);
  return { query, cursor };
}

/** True when the request asks for an SSE stream rather than a JSON page. */
export function wantsEventStream(headers: IncomingHttpHeaders): boolean {
  const accept = headers.accept;
  return typeof accept === 'string' && accept.includes('text/event-stream');
}
