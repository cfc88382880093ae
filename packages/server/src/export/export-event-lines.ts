import type { StreamKey } from '@once/log';
import type { Offset } from '@once/protocol';
import type { EventFeed } from '../feed/event-feed.ts';

/** Events read from the log per page: bounded memory whatever the conversation's length. */
const PAGE_SIZE = 1000;

/**
 * Every event of a stream up to `head` (its head when the export started), as NDJSON: each
 * envelope's JSON text exactly as the log stores it, then a newline, one page of events
 * per chunk. Events committed while it is read are left out, so the export is the stream
 * at one offset; a reader that wants them asks `GET …/events?after=` the last offset.
 * Pulled, so a slow reader holds back the reading instead of filling memory.
 */
export async function* exportEventLines(feed: EventFeed, stream: StreamKey, head: Offset): AsyncGenerator<string> {
  let after = 0 as Offset;
  while (after < head) {
    const entries = await feed.read(stream, after, PAGE_SIZE);
    let chunk = '';
    for (const entry of entries) {
      if (entry.offset > head) break;
      chunk += `${entry.json}\n`;
      after = entry.offset as Offset;
    }
    // Compaction may leave nothing after `after` up to the head: the stream ends there.
    if (entries.length === 0 || chunk === '') return;
    yield chunk;
  }
}
