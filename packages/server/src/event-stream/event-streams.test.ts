import { EventEmitter } from 'node:events';
import type { StreamKey } from '@once/log';
import type { Offset } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import type { EventFeed, FeedReader } from '../feed/event-feed.ts';
import { type FeedEntry, toFeedEntry } from '../feed/feed-entry.ts';
import { createEventStreams } from './event-streams.ts';
import { createSseConnections } from './sse-connections.ts';
import type { SseSink } from './sse-sink.ts';

const stream: StreamKey = { stream: 'conversation', conversationId: 'c1' };

function entry(offset: number): FeedEntry {
  return toFeedEntry({
    offset,
    type: 'turn_start',
    json: `{"offset":${offset},"stream":"conversation","conversationId":"c1","type":"turn_start"}`,
  });
}

/** A sink that keeps what was written. */
function recordingSink(): SseSink & { readonly written: string[] } {
  const written: string[] = [];
  return {
    transport: 'socket',
    emitter: new EventEmitter(),
    writable: true,
    full: false,
    written,
    open() {},
    write(chunk) {
      written.push(chunk);
      return true;
    },
    end() {},
  };
}

describe('event streams', () => {
  it('sends an event the feed holds in memory after a read of the log came back empty', async () => {
    // The feed's memory holds event 2 by the time the log's page (read while the feed was
    // refilling) comes back with nothing after the cursor: the stream must take event 2.
    const memory: FeedEntry[] = [];
    let reads = 0;
    let waits = 0;
    const feed: EventFeed = {
      async read() {
        reads += 1;
        memory.push(entry(2));
        return [];
      },
      readRecent: (_stream, after) => (memory.length === 0 ? undefined : memory.filter((held) => held.offset > after)),
      head: async () => 1 as Offset,
      waitForCommit(_stream, reader: FeedReader) {
        waits += 1;
        // At most twice: a stream that never reads again would otherwise ask forever.
        return waits <= 2 && memory.some((held) => held.offset > reader.cursor);
      },
      watch() {},
      unwatch() {},
      retainedBytes: () => 0,
      close() {},
    };
    const connections = createSseConnections({});
    const sink = recordingSink();
    createEventStreams({ feed, connections }).open(sink, stream, 1 as Offset);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reads).toBe(1);
    expect(sink.written.join('')).toContain('id: 2\n');
    connections.endAll();
  });
});
