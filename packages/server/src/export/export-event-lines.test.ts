import type { Offset } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { createTemporaryLogFixture, deltaDrafts, newConversationStream, newMessageId } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { createEventFeed } from '../feed/event-feed.ts';
import { exportEventLines } from './export-event-lines.ts';

describe('exportEventLines', () => {
  it('gives the stream up to the head it started at, whatever is committed while it is read', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    try {
      const feed = createEventFeed(fixture.log);
      const stream = newConversationStream();
      const message = newMessageId();
      await fixture.log.append(stream, deltaDrafts(stream, message, 1, 2500));
      const head = await feed.head(stream);
      const lines = exportEventLines(feed, stream, head);

      const first = await lines.next();
      // Committed after the export began: not part of it.
      await fixture.log.append(stream, deltaDrafts(stream, message, 2501, 700));
      const chunks = [first.value as string];
      for await (const chunk of lines) chunks.push(chunk);

      const offsets = chunks
        .join('')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).offset);
      expect(offsets).toEqual(Array.from({ length: 2500 }, (_, index) => index + 1));
      expect(chunks.length).toBe(3);
      const stored = await fixture.log.readEntries(stream, 0 as Offset, 1000);
      expect(chunks[0]).toBe(stored.map((entry) => `${entry.json}\n`).join(''));
      feed.close();
    } finally {
      await fixture.cleanup();
    }
  });
});
