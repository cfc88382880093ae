import type { EventDraft } from '@once/log';
import {
  createPostgresTestSchema,
  deltaDraft,
  newConversationStream,
  newMessageId,
  type PostgresTestSchema,
  readAll,
} from '@once/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresEventLog, type PostgresEventLog } from '../src/index.ts';

// A batch's envelopes travel to PostgreSQL as one text split on U+001E
// (postgres-append-statements.ts): text holding that character, other control
// characters, quotes and backslashes must come back exactly as written, in the order of
// the batch.
describe('event text on PostgreSQL', () => {
  let database: PostgresTestSchema;
  let log: PostgresEventLog;
  beforeEach(async () => {
    database = await createPostgresTestSchema();
    log = await openPostgresEventLog({ url: database.url });
  });
  afterEach(async () => {
    await log.close();
    await database.drop();
  });

  it('stores text with record separators, control characters, quotes and backslashes as written', async () => {
    const stream = newConversationStream();
    const message = newMessageId();
    const texts = ['a\u001eb', '\u001e', '"quoted" \\ back\\slash', '{"json":[1,2]}', 'tab\tnew\nline\u0000nul', ''];
    const drafts: EventDraft[] = texts.map((text, index) => deltaDraft(stream, message, index + 1, text));
    // Two appends in flight together share a batch, so the split spans appends too.
    await Promise.all([log.append(stream, drafts.slice(0, 3)), log.append(stream, drafts.slice(3))]);
    // Again, now that the log knows the stream: through the append function (decision 029).
    const again = texts.map((text, index) => deltaDraft(stream, message, texts.length + index + 1, text));
    await Promise.all([log.append(stream, again.slice(0, 3)), log.append(stream, again.slice(3))]);
    const stored = await readAll(log, stream);
    expect(stored.map((event) => [event.offset, (event.data as { text: string }).text])).toEqual(
      [...texts, ...texts].map((text, index) => [index + 1, text]),
    );
  });
});
