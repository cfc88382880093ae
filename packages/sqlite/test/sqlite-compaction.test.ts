import { statSync } from 'node:fs';
import type { EventDraft, EventLog, StreamKey } from '@once/log';
import type { ConversationId, MessageId, Offset } from '@once/protocol';
import { newConversationStream, newMessageId, readAll } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { createSqliteFixture } from './sqlite-fixture.ts';

/** A completed assistant message of `deltas` text deltas of about 200 bytes each. */
function longMessage(stream: StreamKey & { stream: 'conversation' }, messageId: MessageId, deltas: number) {
  const conversationId = stream.conversationId as ConversationId;
  const ts = '2026-11-23T21:00:00.000Z';
  const base = { stream: 'conversation', conversationId, messageId, ts } as const;
  const text = 'x'.repeat(200);
  const drafts: EventDraft[] = [
    { ...base, type: 'message_open', blockIndex: -1, seq: 1, data: { role: 'assistant', turnId: newMessageId() } },
    { ...base, type: 'block_open', blockIndex: 0, seq: 1, data: { blockType: 'text' } },
    ...Array.from({ length: deltas }, (_, index) => ({
      ...base,
      type: 'block_delta',
      blockIndex: 0,
      seq: index + 2,
      data: { text },
    })),
    { ...base, type: 'block_close', blockIndex: 0, seq: deltas + 2, data: {} },
  ] as EventDraft[];
  const complete = {
    ...base,
    type: 'message_complete',
    blockIndex: -1,
    seq: 2,
    data: {
      status: 'complete',
      message: {
        id: messageId,
        conversationId,
        role: 'assistant',
        status: 'complete',
        turnId: newMessageId(),
        createdAt: ts,
        blocks: [{ index: 0, type: 'text', status: 'closed', text: text.repeat(deltas) }],
        watermarks: { '-1': 1, '0': deltas + 2 },
      },
    },
  } as EventDraft;
  return [...drafts, complete];
}

async function appendMessages(log: EventLog, stream: StreamKey & { stream: 'conversation' }, count: number) {
  const ids: MessageId[] = [];
  for (let index = 0; index < count; index += 1) {
    const id = newMessageId();
    ids.push(id);
    await log.append(stream, longMessage(stream, id, 500));
  }
  return ids;
}

describe('SQLite compaction', () => {
  it('gives the pages it frees back to the file system: the file shrinks', async () => {
    const fixture = await createSqliteFixture();
    try {
      const stream = newConversationStream();
      const ids = await appendMessages(fixture.log, stream, 20);
      await fixture.log.close();
      const before = statSync(fixture.path).size;

      const log = await fixture.reopen();
      const { removed } = await log.compact(stream, ids);
      expect(removed).toBe(20 * 502);
      await log.close();
      const after = statSync(fixture.path).size;
      // 10,000 deltas of ~200 bytes went; what is left is 40 small events and 20 final messages.
      expect(after).toBeLessThan(before * 0.7);

      const reopened = await fixture.reopen();
      const events = await readAll(reopened, stream);
      expect(events.map((event) => event.type)).toEqual(ids.flatMap(() => ['message_open', 'message_complete']));
      expect(events.filter((event) => event.type === 'message_complete').map((event) => event.previousOffset)).toEqual(
        ids.map((_, index) => index * 504 + 1),
      );
    } finally {
      await fixture.cleanup();
    }
  });

  it('compacts events still in the tail (not indexed yet) by indexing them first, and keeps them after a reopen', async () => {
    const fixture = await createSqliteFixture({ tailLimit: 1_000_000, idleIndexDelayMs: 60_000 });
    try {
      const stream = newConversationStream();
      const ids = await appendMessages(fixture.log, stream, 2);
      expect((await fixture.log.compact(stream, ids)).removed).toBe(2 * 502);
      await fixture.log.close();
      const reopened = await fixture.reopen();
      expect((await readAll(reopened, stream)).map((event) => event.offset)).toEqual([1, 504, 505, 1008]);
      const [next] = await reopened.append(stream, [
        {
          stream: 'conversation',
          conversationId: stream.conversationId,
          type: 'activity',
          ts: '2026-11-23T21:10:00.000Z',
          data: { phase: 'idle' },
        } as EventDraft,
      ]);
      expect(next?.offset).toBe(1009 as Offset);
    } finally {
      await fixture.cleanup();
    }
  });
});
