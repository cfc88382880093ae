// A conversation whose log holds an event the reducer refuses (no daemon of this version
// writes one; a bug, a hand-edited database or an older build could) reads up to that
// event and no further. What its state shows open or unanswered may be closed or answered
// past it, so the daemon writes nothing there: before, every wake closed its open answer
// again and every new lease ran its unanswered turn again, each write landing past the
// refused event, unseen, to be made again at the next look.
import type { EventLog } from '@once/log';
import { writeUserMessage } from '@once/producer';
import { type ConversationId, isOnceError, newId, type TurnId } from '@once/protocol';
import { openSqliteEventLog, type SqliteEventLog } from '@once/sqlite';
import { createTemporaryLogFixture, type EventLogFixture } from '@once/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConversationService, createConversationService } from '../src/index.ts';
import { appendAnswerSkippingASeq } from './support/answer-skipping-a-seq.ts';
import { createFakeTurnRunner, type FakeTurnRunner } from './support/fake-turn-runner.ts';
import { grantedCoordination } from './support/granted-coordination.ts';

const ACCOUNT = 'default';
const streamOf = (conversationId: ConversationId) => ({ stream: 'conversation', conversationId }) as const;

/**
 * A user message, then an assistant message of another turn whose delta skips a seq: the
 * fold stops there, with the user message unanswered and the assistant message open.
 */
async function writeAStuckLog(log: EventLog, conversationId: ConversationId): Promise<void> {
  await writeUserMessage(
    { conversationId, turnId: newId() as TurnId, text: 'Is anyone there?' },
    { append: (drafts) => log.append(streamOf(conversationId), drafts), newId, now: () => new Date() },
  );
  await appendAnswerSkippingASeq(log, conversationId);
}

describe('a conversation whose log the reducer refuses partway', () => {
  let fixture: EventLogFixture & { readonly log: SqliteEventLog };
  let fake: FakeTurnRunner;
  const errors: unknown[] = [];
  const released: string[] = [];

  const startService = (): ConversationService =>
    createConversationService({
      log: fixture.log,
      coordination: grantedCoordination(released),
      runTurn: (turn) => fake.run(turn),
      onError: (error: unknown) => errors.push(error),
    });
  const headOf = (conversationId: ConversationId) => fixture.log.head(streamOf(conversationId));

  beforeEach(async () => {
    fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    fake = createFakeTurnRunner();
    errors.length = 0;
    released.length = 0;
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it('is neither recovered nor answered at start-up, and lets its lease go', async () => {
    const first = startService();
    const { id } = await first.create(ACCOUNT);
    await first.shutdown();
    const conversationId = id as ConversationId;
    await writeAStuckLog(fixture.log, conversationId);
    const head = await headOf(conversationId);

    const service = startService();
    await service.recover([ACCOUNT]);
    await service.shutdown();

    expect(fake.started).toEqual([]);
    expect(await headOf(conversationId)).toBe(head);
    expect(released).toContain(conversationId);
    // The daemon's log says why, once.
    const told = errors.map((error) => (error as Error).message).filter((message) => message.includes(id));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/refused the event at offset/);
  });

  it('refuses a new message with an error that says why, and stores nothing', async () => {
    const service = startService();
    const { id } = await service.create(ACCOUNT);
    const conversationId = id as ConversationId;
    await writeAStuckLog(fixture.log, conversationId);
    const head = await headOf(conversationId);

    const refusal = await service.send(ACCOUNT, id, { content: 'Hello?' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await service.shutdown();

    expect(isOnceError(refusal)).toBe(true);
    expect((refusal as Error).message).toMatch(/takes no new messages.*offset \d+.*Nothing was stored/s);
    expect(fake.started).toEqual([]);
    expect(await headOf(conversationId)).toBe(head);
    // What it holds up to the refused event still reads.
    const reader = startService();
    const { snapshot } = await reader.snapshot(ACCOUNT, id);
    expect(snapshot.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    await reader.shutdown();
  });

  it('refuses a regenerate and a branch switch, and compaction leaves its log as it is', async () => {
    const service = startService();
    const { id } = await service.create(ACCOUNT);
    const conversationId = id as ConversationId;
    await writeAStuckLog(fixture.log, conversationId);
    const head = await headOf(conversationId);
    const { snapshot } = await service.snapshot(ACCOUNT, id);
    const [question, answer] = snapshot.messages;

    const refusals = await Promise.all([
      service.regenerate(ACCOUNT, id, answer?.id as string, {}).catch((error: unknown) => error),
      service.selectBranch(ACCOUNT, id, question?.id as string).catch((error: unknown) => error),
    ]);
    const compaction = await service.compact([ACCOUNT], Date.now() + 60_000);
    await service.shutdown();

    for (const refusal of refusals) expect((refusal as Error).message).toMatch(/cannot apply/);
    expect(compaction.removed).toBe(0);
    expect(fake.started).toEqual([]);
    expect(await headOf(conversationId)).toBe(head);
  });
});
