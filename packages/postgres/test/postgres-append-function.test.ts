import { setTimeout as sleep } from 'node:timers/promises';
import type { EventDraft } from '@once/log';
import type { MessageId } from '@once/protocol';
import {
  createPostgresTestSchema,
  deltaDrafts,
  newConversationStream,
  newMessageId,
  type PostgresTestSchema,
  readAll,
} from '@once/testing';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { openPostgresEventLog, openPostgresTurnCoordination } from '../src/index.ts';
import { withDatabase } from './with-database.ts';

// Once a daemon knows a stream's key and head, its batches of that stream go in one call
// of the schema's append function (docs/decisions/029): these cases are the ones where
// what the daemon knows is no longer so, and a schema made before the function existed.
describe('appends in one call of the append function on PostgreSQL', () => {
  let database: PostgresTestSchema;
  let schema: string;
  beforeEach(async () => {
    database = await createPostgresTestSchema();
    schema = new URL(database.url).searchParams.get('schema') as string;
  });
  afterEach(() => database.drop());

  it('appends by both paths and reads with one connection allowed', async () => {
    // One connection: appends get it, and reads still get one of their own.
    await using log = await openPostgresEventLog({ url: database.url, maxConnections: 1 });
    const stream = newConversationStream();
    const message = newMessageId();
    // A stream's first batch is the transaction; the next ones are calls of the function.
    const offsets: number[] = [];
    for (const seq of [1, 3, 5]) {
      const stored = await log.append(stream, deltaDrafts(stream, message, seq, 2));
      offsets.push(...stored.map((entry) => entry.offset));
    }
    expect(offsets).toEqual([1, 2, 3, 4, 5, 6]);
    const [read, head] = await Promise.all([readAll(log, stream), log.head(stream)]);
    expect(read.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(head).toBe(6);
  });

  it('hands back the events of a message it completed, and forgot, when they are sent again', async () => {
    await using log = await openPostgresEventLog({ url: database.url });
    const stream = newConversationStream();
    await log.append(stream, deltaDrafts(stream, newMessageId(), 1, 2));
    // A whole message in one call, then the same again: the daemon forgets a message once
    // it is complete, so the second call meets it as a message it does not know.
    const message = wholeMessage(stream, newMessageId());
    const first = await log.append(stream, message);
    expect(first.map((entry) => entry.offset)).toEqual([3, 4, 5, 6, 7]);
    expect(await log.append(stream, message)).toEqual(first);
    // Twice in one call, with a new message: stored once, the second copy handed the first's.
    const other = wholeMessage(stream, newMessageId());
    const doubled = await log.append(stream, [...other, ...other]);
    expect(doubled.map((entry) => entry.offset)).toEqual([8, 9, 10, 11, 12, 8, 9, 10, 11, 12]);
    expect(await log.head(stream)).toBe(12);
    expect((await readAll(log, stream)).map((event) => event.offset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('keeps offsets gapless when two daemons take turns on one stream', async () => {
    await using first = await openPostgresEventLog({ url: database.url });
    await using second = await openPostgresEventLog({ url: database.url });
    const stream = newConversationStream();
    const message = newMessageId();
    const offsets: number[] = [];
    for (let seq = 1; seq <= 8; seq += 2) {
      // Each daemon's next batch finds the head where the other one left it.
      for (const [index, log] of [first, second].entries()) {
        const stored = await log.append(stream, deltaDrafts(stream, message, seq + index, 1));
        offsets.push(...stored.map((entry) => entry.offset));
      }
    }
    expect(offsets).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const events = await readAll(first, stream);
    expect(events.map((event) => [event.offset, event.seq])).toEqual(offsets.map((offset) => [offset, offset]));
  });

  it('refuses a fenced append of a stream it wrote before once a peer took its conversation over', async () => {
    const leaseMs = 300;
    await using log = await openPostgresEventLog({ url: database.url });
    const stalled = await openPostgresTurnCoordination({ url: database.url, leaseMs });
    const peer = await openPostgresTurnCoordination({ url: database.url, leaseMs });
    onTestFinished(() => Promise.all([stalled.close(), peer.close()]).then(() => {}));
    const stream = newConversationStream();
    const message = newMessageId();
    expect(await stalled.leases.acquire(stream.conversationId)).toBe(true);
    const owned = { fence: stalled.leases.owner };
    await log.append(stream, deltaDrafts(stream, message, 1, 1), owned);
    await log.append(stream, deltaDrafts(stream, message, 2, 1), owned);

    await sleep(leaseMs + 100);
    expect(await peer.leases.acquire(stream.conversationId)).toBe(true);
    await expect(log.append(stream, deltaDrafts(stream, message, 3, 1), owned)).rejects.toMatchObject({
      code: 'conflict',
    });
    const [entry] = await log.append(stream, deltaDrafts(stream, message, 3, 1), { fence: peer.leases.owner });
    expect(entry?.offset).toBe(3);
    expect((await readAll(log, stream)).map((event) => event.seq)).toEqual([1, 2, 3]);
  });

  it('upgrades a schema made before the function: appends after reopening it are stored', async () => {
    const stream = newConversationStream();
    const message = newMessageId();
    {
      await using log = await openPostgresEventLog({ url: database.url });
      await log.append(stream, deltaDrafts(stream, message, 1, 2));
    }
    // What a daemon of the version before left: the same tables, no function.
    await withDatabase((sql) => sql.unsafe(`DROP FUNCTION "${schema}".append_batch_v2`));
    await using log = await openPostgresEventLog({ url: database.url });
    await log.append(stream, deltaDrafts(stream, message, 3, 1));
    // Key and head known now: this batch goes through the function.
    const stored = await log.append(stream, deltaDrafts(stream, message, 4, 2));
    expect(stored.map((entry) => entry.offset)).toEqual([4, 5]);
    expect((await readAll(log, stream)).map((event) => [event.offset, event.seq])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });
});

/** The events of a whole message, from its `message_open` to its `message_complete`. */
function wholeMessage(stream: { readonly conversationId: string }, messageId: MessageId): EventDraft[] {
  const on = (type: string, blockIndex: number, seq: number, data: object) =>
    ({
      stream: 'conversation',
      conversationId: stream.conversationId,
      type,
      messageId,
      blockIndex,
      seq,
      data,
    }) as EventDraft;
  return [
    on('message_open', -1, 1, { role: 'user' }),
    on('block_open', 0, 1, { blockType: 'text' }),
    on('block_delta', 0, 2, { text: 'hello' }),
    on('block_close', 0, 3, {}),
    on('message_complete', -1, 2, { status: 'complete' }),
  ];
}
