import { type ConversationState, createConversationState, reduceAll } from '@once/core';
import type { EventLog } from '@once/log';
import { type AppendDrafts, createMessageWriter, type MessageWriter } from '@once/producer';
import { type ConversationId, type IncomingEvent, newId, type TurnId } from '@once/protocol';
import { openSqliteEventLog, type SqliteEventLog } from '@once/sqlite';
import { createTemporaryLogFixture } from '@once/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConversationStates } from '../src/service/conversation-states.ts';
import { appendAnswerSkippingASeq } from './support/answer-skipping-a-seq.ts';

const streamOf = (conversationId: string) => ({ stream: 'conversation', conversationId }) as const;

/** Every event of the conversation, folded from offset 0: what any read must equal. */
async function foldedFromLog(log: EventLog, conversationId: ConversationId): Promise<ConversationState> {
  const events = await log.read(streamOf(conversationId), 0 as never, 100_000);
  return reduceAll(createConversationState(conversationId), events as readonly IncomingEvent[]);
}

/**
 * The log as the states see it: its reads (and the events they returned) counted, and its commit notices passed on as they
 * are (`heard`), without their events (`bare`: another daemon's commit, on a shared log),
 * or not at all (`none`).
 */
function observedLog(log: SqliteEventLog) {
  let eventsRead = 0;
  let reads = 0;
  let heads = 0;
  const control = {
    notices: 'heard' as 'heard' | 'bare' | 'none',
    eventsRead: () => eventsRead,
    reads: () => reads,
    heads: () => heads,
  };
  const observed: Pick<EventLog, 'read' | 'head' | 'onCommit'> = {
    read: async (stream, after, limit) => {
      reads += 1;
      const events = await log.read(stream, after, limit);
      eventsRead += events.length;
      return events;
    },
    head: (stream) => {
      heads += 1;
      return log.head(stream);
    },
    onCommit: (listener) =>
      log.onCommit((notice) => {
        if (control.notices === 'heard') listener(notice);
        else if (control.notices === 'bare') listener({ stream: notice.stream, head: notice.head });
      }),
  };
  return { log: observed as EventLog, control };
}

describe('conversation states following commits', () => {
  let fixture: Awaited<ReturnType<typeof createTemporaryLogFixture<SqliteEventLog>>>;
  beforeEach(async () => {
    fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  const append =
    (conversationId: ConversationId): AppendDrafts =>
    (drafts) =>
      fixture.log.append(streamOf(conversationId), drafts);

  it('reads back none of the events this process committed since the last read, nor asks for them', async () => {
    const { log, control } = observedLog(fixture.log);
    const states = createConversationStates(log, { followCommits: true });
    const conversationId = newId() as ConversationId;
    await states.current(conversationId);
    const writer = createMessageWriter(
      { conversationId, role: 'assistant', turnId: newId() as TurnId },
      { append: append(conversationId) },
    );
    const block = writer.openBlock({ blockType: 'text' });
    for (let token = 0; token < 50; token += 1) writer.appendDelta(block, { text: `word${token} ` });
    await writer.complete('complete');
    const before = { events: control.eventsRead(), reads: control.reads() };
    expect(await states.current(conversationId)).toEqual(await foldedFromLog(fixture.log, conversationId));
    expect(await states.current(conversationId)).toEqual(await foldedFromLog(fixture.log, conversationId));
    expect({ events: control.eventsRead(), reads: control.reads() }).toEqual(before);
    states.close();
  });

  it('reads commits it heard of without their events (another process’s) straight away, without asking for the head', async () => {
    const { log, control } = observedLog(fixture.log);
    const states = createConversationStates(log, { followCommits: true });
    const conversationId = newId() as ConversationId;
    await states.current(conversationId);
    control.notices = 'bare';
    const writer = createMessageWriter(
      { conversationId, role: 'assistant', turnId: newId() as TurnId },
      { append: append(conversationId) },
    );
    await writer.complete('complete');
    const before = { reads: control.reads(), heads: control.heads() };
    expect(await states.current(conversationId)).toEqual(await foldedFromLog(fixture.log, conversationId));
    expect({ reads: control.reads(), heads: control.heads() }).toEqual({
      reads: before.reads + 1,
      heads: before.heads,
    });
    states.close();
  });

  it('equals the state folded from the log after any mix of commits, reads, and commits it heard of only in part', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            kind: fc.constantFrom('deltas', 'read', 'next message'),
            count: fc.integer({ min: 1, max: 5 }),
            // How the states hear of the step's commits: as this process's, as another's, or not at all.
            notices: fc.constantFrom('heard', 'heard', 'bare', 'none'),
          }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 1, max: 3 }),
        async (steps, capacity) => {
          const { log, control } = observedLog(fixture.log);
          const states = createConversationStates(log, { followCommits: true, capacity });
          const conversations = [newId(), newId(), newId()] as ConversationId[];
          const writers = new Map<ConversationId, { writer: MessageWriter; block: number }>();
          const open = (conversationId: ConversationId) => {
            const writer = createMessageWriter(
              { conversationId, role: 'assistant', turnId: newId() as TurnId },
              { append: append(conversationId) },
            );
            const opened = { writer, block: writer.openBlock({ blockType: 'text' }) };
            writers.set(conversationId, opened);
            return opened;
          };
          for (const [index, step] of steps.entries()) {
            const conversationId = conversations[index % conversations.length] as ConversationId;
            control.notices = step.notices as typeof control.notices;
            const current = writers.get(conversationId) ?? open(conversationId);
            if (step.kind === 'deltas') {
              for (let token = 0; token < step.count; token += 1)
                current.writer.appendDelta(current.block, { text: 'x' });
              await current.writer.flush();
            } else if (step.kind === 'next message') {
              await current.writer.complete('complete');
              open(conversationId);
              await writers.get(conversationId)?.writer.flush();
            } else {
              expect(await states.current(conversationId)).toEqual(await foldedFromLog(fixture.log, conversationId));
            }
          }
          for (const conversationId of conversations) {
            expect(await states.current(conversationId)).toEqual(await foldedFromLog(fixture.log, conversationId));
          }
          states.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('tells once when the reducer refuses an event of the log, with the offset it refused and where its fold started', async () => {
    const conversationId = newId() as ConversationId;
    await appendAnswerSkippingASeq(fixture.log, conversationId, 0);
    const refusals: unknown[] = [];
    const states = createConversationStates(fixture.log, {
      followCommits: true,
      onRefused: (...told) => refusals.push(told),
    });
    const state = await states.current(conversationId);
    await states.current(conversationId);
    expect(state.offset).toBe(2);
    expect(refusals).toEqual([
      [conversationId, expect.objectContaining({ reason: 'sequence_gap', refusedOffset: 3, afterOffset: 2 }), 0],
    ]);
    states.close();
  });

  it('answers a read of a conversation whose log holds a page or more of events after one it refuses', async () => {
    // Torture on PostgreSQL: once 5000 events (a page) followed the refused one, every read
    // of the conversation went on reading that page again, for good, and its snapshot
    // request never answered.
    const conversationId = newId() as ConversationId;
    await appendAnswerSkippingASeq(fixture.log, conversationId, 4);
    const states = createConversationStates(fixture.log, { pageSize: 2 });
    const state = await states.current(conversationId);
    expect(state.offset).toBe(2);
    expect(state.resync).toMatchObject({ reason: 'sequence_gap', refusedOffset: 3 });
    states.close();
  });
});
