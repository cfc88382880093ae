import type { EventDraft, EventLog, StreamKey } from '@once/log';
import type { MessageId } from '@once/protocol';
import { newConversationStream, newMessageId, readAll } from '@once/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresEventLog, type PostgresEventLog } from '../src/index.ts';
import { createPostgresFixture } from './postgres-fixture.ts';

// Layout 2 keeps each message's highest seqs in the daemon's memory instead of a unique
// index (docs/decisions/039): whatever the daemons, retries, completed messages and
// takeovers, each identity must still be stored once, and a retry must hand back the
// event stored first.

/** One append call: which daemon sends it, and a run of one message's events. */
interface PlannedAppend {
  readonly daemon: number;
  readonly message: number;
  readonly block: number;
  readonly firstSeq: number;
  readonly count: number;
  /** Ends with the message's `message_complete` (after which the daemon forgets it). */
  readonly complete: boolean;
}

const plannedAppend: fc.Arbitrary<PlannedAppend> = fc.record({
  daemon: fc.nat({ max: 1 }),
  message: fc.nat({ max: 2 }),
  block: fc.nat({ max: 1 }),
  firstSeq: fc.integer({ min: 1, max: 8 }),
  count: fc.integer({ min: 1, max: 4 }),
  complete: fc.boolean(),
});

function draftsOf(stream: StreamKey, messageId: MessageId, append: PlannedAppend): EventDraft[] {
  const conversationId = stream.stream === 'conversation' ? stream.conversationId : '';
  const event = (type: string, blockIndex: number, seq: number): EventDraft =>
    ({
      stream: 'conversation',
      conversationId,
      type,
      messageId,
      blockIndex,
      seq,
      data: { text: `${blockIndex}:${seq}` },
    }) as EventDraft;
  const drafts = Array.from({ length: append.count }, (_, index) =>
    event('block_delta', append.block, append.firstSeq + index),
  );
  return append.complete ? [...drafts, event('message_complete', -1, 1)] : drafts;
}

describe('event identities on PostgreSQL layout 2, two daemons on one stream', () => {
  let fixture: Awaited<ReturnType<typeof createPostgresFixture>>;
  let daemons: PostgresEventLog[];
  beforeAll(async () => {
    fixture = await createPostgresFixture();
    daemons = [fixture.log, await openPostgresEventLog({ url: fixture.url })];
  });
  afterAll(async () => {
    await daemons[1]?.close();
    await fixture.cleanup();
  });

  it('stores each identity once and hands a retry the event stored first, whichever daemon appends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plannedAppend, { minLength: 1, maxLength: 12 }), async (plan) => {
        const stream = newConversationStream();
        const messages = [newMessageId(), newMessageId(), newMessageId()];
        // The model: each identity's offset, given by the first append that carried it.
        const stored = new Map<string, number>();
        let head = 0;
        for (const append of plan) {
          const log = daemons[append.daemon] as EventLog;
          const messageId = messages[append.message] as MessageId;
          const drafts = draftsOf(stream, messageId, append);
          const expected = drafts.map((draft) => {
            const key = `${draft.messageId}/${draft.blockIndex}/${draft.seq}`;
            let offset = stored.get(key);
            if (offset === undefined) {
              head += 1;
              offset = head;
              stored.set(key, offset);
            }
            return offset;
          });
          const entries = await log.append(stream, drafts);
          expect(entries.map((entry) => entry.offset)).toEqual(expected);
        }
        const events = await readAll(daemons[0] as EventLog, stream);
        expect(events.map((event) => event.offset)).toEqual(Array.from({ length: head }, (_, index) => index + 1));
        const identities = events.map((event) => `${event.messageId}/${event.blockIndex}/${event.seq}`);
        expect(new Set(identities).size).toBe(identities.length);
      }),
      { numRuns: 40 },
    );
  });
});
