/**
 * Server-sent event frames, as the daemon writes them. An event's frame is built once
 * and shared by every subscriber of its stream.
 */

/** One event: `id` is its offset, so a browser's EventSource resumes from it by itself. */
export function eventFrame(offset: number, type: string, json: string): string {
  return `id: ${offset}\nevent: ${type}\ndata: ${json}\n\n`;
}

/** Sent once a connection has replayed everything: the client is live from `offset`. */
export function readyFrame(offset: number): string {
  return `event: ready\ndata: ${JSON.stringify({ offset })}\n\n`;
}

/**
 * The cursor is beyond the stream's head (the store was reset or restored): the client
 * must refetch the snapshot. No `id:` line, so the browser keeps its last id.
 */
export function resetFrame(head: number): string {
  return `event: reset\ndata: ${JSON.stringify({ offset: head })}\n\n`;
}

/**
 * A comment line: keeps proxies and the client's watchdog from giving up on a quiet
 * stream. It names the offset of the last event this connection wrote, so a client that
 * holds less learns that an event was lost on the way even when no other event follows.
 */
export function heartbeatFrame(sent: number): string {
  return `: sent ${sent}\n\n`;
}

/** Tells EventSource how long to wait before reconnecting, in milliseconds. */
export function retryFrame(milliseconds: number): string {
  return `retry: ${milliseconds}\n\n`;
}

/**
 * A block delta in the compact form (`?format=compact`, decision 019): data only, no `id:`
 * and no `event:` line. The reader knows its offset (the previous event's plus one) and
 * rebuilds its envelope from the event before it.
 */
export function compactDeltaFrame(data: string): string {
  return `data:${data}\n\n`;
}
