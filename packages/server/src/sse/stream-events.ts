import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Offset } from '@once/protocol';
import type { EventFeed } from '../feed/event-feed.ts';
import type { StreamKey } from '../log/event-log.ts';
import type { SseConnections } from './sse-connections.ts';
import { readyFrame, resetFrame, retryFrame } from './sse-frames.ts';

/** Options of {@link streamEvents}. */
export interface StreamEventsOptions {
  readonly feed: EventFeed;
  readonly connections: SseConnections;
  readonly stream: StreamKey;
  /** The offset of the last event the client has; `'tail'` for only new events. */
  readonly cursor: Offset | 'tail';
  /** Events read and written per socket write, at most. Default 500. */
  readonly batchSize?: number;
  /** Told how many events were written, for metrics. */
  readonly onSent?: (count: number) => void;
}

/**
 * Serves one SSE connection: replays the events after the cursor, sends `ready`, then
 * follows the stream live.
 *
 *   replaying ──caught up──► ready sent ──commit──► live ──(socket full)──► waiting for drain
 *
 * It pulls from the feed only when the socket has room, so a slow consumer costs one
 * batch of memory, never a growing queue; when it drains, it continues from its own
 * cursor, reading the log if memory no longer holds those events. A cursor beyond the
 * head gets `reset` and the connection closes. When the daemon stops cleanly
 * (`connections.finishAll`), the stream first sends every event committed so far, so a
 * connected client sees the end of the turns the stop interrupted.
 */
export async function streamEvents(response: ServerResponse, options: StreamEventsOptions): Promise<void> {
  const { feed, stream, connections } = options;
  const batchSize = options.batchSize ?? 500;
  // One controller wakes the loop for both reasons to stop waiting: the client went away,
  // or a clean stop asks for the rest. Kept to one per connection: idle connections are
  // the daemon's largest memory cost.
  const wake = new AbortController();
  let clientGone = false;
  const ended = new Promise<void>((resolve) =>
    response.once('close', () => {
      clientGone = true;
      wake.abort();
      resolve();
    }),
  );

  const release = feed.watch(stream);
  const head = await feed.head(stream);
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  if (options.cursor !== 'tail' && options.cursor > head) {
    response.end(resetFrame(head));
    release();
    return;
  }
  let cursor: number = options.cursor === 'tail' ? head : options.cursor;
  // A clean stop sends what is committed up to `finishAt`, then ends the stream.
  let finishAt = Number.POSITIVE_INFINITY;
  let finishing = false;
  connections.add(response, async () => {
    finishAt = await feed.head(stream);
    finishing = true;
    wake.abort();
    await ended;
  });

  try {
    response.write(retryFrame(1000));
    let ready = false;
    while (!clientGone && cursor < finishAt) {
      const entries = await feed.read(stream, cursor as Offset, batchSize);
      if (clientGone) break;
      if (entries.length > 0) {
        let chunk = '';
        for (const entry of entries) chunk += entry.frame;
        cursor = entries[entries.length - 1]?.offset ?? cursor;
        options.onSent?.(entries.length);
        if (!response.write(chunk)) await Promise.race([once(response, 'drain'), ended]);
        continue;
      }
      if (finishing) break;
      if (!ready) {
        ready = true;
        response.write(readyFrame(cursor));
      }
      await feed.waitForCommit(stream, cursor as Offset, wake.signal);
    }
  } finally {
    connections.delete(response);
    release();
    if (!response.writableEnded) response.end();
  }
}
