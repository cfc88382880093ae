import type { StoredEntry, StreamKey } from '@once/log';
import type { Offset } from '@once/protocol';
import {
  createPostgresTestSchema,
  deltaDrafts,
  newConversationStream,
  newMessageId,
  type PostgresTestSchema,
} from '@once/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresEventLog, type PostgresEventLog } from '../src/index.ts';

// Reads asked for in the same turn of the event loop share one query
// (postgres-read-batch.ts): each must still get exactly the page a read of its own gets,
// whatever the mix of streams, cursors and limits.
describe('PostgreSQL reads asked for together', () => {
  let database: PostgresTestSchema;
  let log: PostgresEventLog;
  const streams: StreamKey[] = [];
  beforeAll(async () => {
    database = await createPostgresTestSchema();
    log = await openPostgresEventLog({ url: database.url });
    for (const count of [0, 1, 7, 40]) {
      const stream = newConversationStream();
      streams.push(stream);
      if (count > 0) await log.append(stream, deltaDrafts(stream, newMessageId(), 1, count));
    }
    // A stream no append ever created.
    streams.push(newConversationStream());
  });
  afterAll(async () => {
    await log.close();
    await database.drop();
  });

  const offsets = (entries: readonly StoredEntry[]) => entries.map((entry) => [entry.offset, entry.json]);

  it('gives each read the page it gets alone', async () => {
    const request = fc.record({
      stream: fc.integer({ min: 0, max: 4 }),
      after: fc.integer({ min: 0, max: 45 }),
      limit: fc.integer({ min: 1, max: 50 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 12 }), async (requests) => {
        const read = ({ stream, after, limit }: (typeof requests)[number]) =>
          log.readEntries(streams[stream] as StreamKey, after as Offset, limit);
        const together = await Promise.all(requests.map(read));
        const alone: (readonly StoredEntry[])[] = [];
        for (const each of requests) alone.push(await read(each));
        expect(together.map(offsets)).toEqual(alone.map(offsets));
        // And a plain read through `read` asked for beside them parses the same events.
        const [parsed, entries] = await Promise.all([
          log.read(streams[3] as StreamKey, 0 as Offset, 40),
          log.readEntries(streams[3] as StreamKey, 0 as Offset, 40),
        ]);
        expect(parsed).toEqual(entries.map((entry) => JSON.parse(entry.json)));
      }),
      { numRuns: 40 },
    );
  });
});
