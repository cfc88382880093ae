import { type ConversationState, createConversationState, reduceAll } from '@once/core';
import { type AppendDrafts, createMessageWriter, writeUserMessage } from '@once/producer';
import type { ConversationId, ConversationSnapshot, IncomingEvent, TurnId } from '@once/protocol';
import { openSqliteEventLog, type SqliteEventLog } from '@once/sqlite';
import { createTemporaryLogFixture } from '@once/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConversationService, createConversationService } from '../src/index.ts';
import { scanOpenWork } from '../src/service/open-work-scan.ts';
import { toStoredSnapshot } from '../src/service/snapshot-record.ts';
import { createFakeTurnRunner, FAKE_ANSWER } from './support/fake-turn-runner.ts';

const ACCOUNT = 'default';

describe('persisted snapshots', () => {
  let fixture: Awaited<ReturnType<typeof createTemporaryLogFixture<SqliteEventLog>>>;
  let log: SqliteEventLog;
  const services: ConversationService[] = [];
  /** A service on the log, as a daemon (re)started on it would have. */
  const startService = (options: { snapshotEvery?: number } = {}) => {
    const service = createConversationService({
      log,
      snapshots: log,
      runTurn: createFakeTurnRunner().run,
      ...options,
    });
    services.push(service);
    return service;
  };
  const streamOf = (conversationId: string) => ({ stream: 'conversation', conversationId }) as const;
  const folded = async (conversationId: ConversationId): Promise<ConversationState> =>
    reduceAll(
      createConversationState(conversationId),
      (await log.read(streamOf(conversationId), 0 as never, 100_000)) as readonly IncomingEvent[],
    );
  const saveSnapshotNow = async (conversationId: ConversationId) =>
    log.saveSnapshot(streamOf(conversationId), toStoredSnapshot(await folded(conversationId)));
  const append =
    (conversationId: ConversationId): AppendDrafts =>
    (drafts) =>
      log.append(streamOf(conversationId), drafts);
  /** A new conversation, its user message stored and nothing else. */
  const conversationWithQuestion = async (service: ConversationService) => {
    const { id } = await service.create(ACCOUNT);
    const turnId = `turn-${id}` as TurnId;
    await writeUserMessage({ conversationId: id, turnId, text: 'A question?' }, { append: append(id) });
    return { id, turnId };
  };
  /** Starts the turn and streams part of an answer, as a daemon killed mid-stream leaves it. */
  const streamPartOfAnswer = async (conversationId: ConversationId, turnId: TurnId) => {
    const ts = new Date().toISOString();
    await log.append(streamOf(conversationId), [
      { stream: 'conversation', conversationId, ts, type: 'turn_start', data: { turnId, userMessageId: 'x' } } as never,
    ]);
    const writer = createMessageWriter(
      { conversationId, role: 'assistant', turnId },
      { append: append(conversationId) },
    );
    const block = writer.openBlock({ blockType: 'text' });
    writer.appendDelta(block, { text: 'Half an ' });
    writer.appendDelta(block, { text: 'answer' });
    await writer.flush();
  };
  const until = async (done: () => Promise<boolean>) => {
    for (let attempt = 0; attempt < 500; attempt += 1) {
      if (await done()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('Timed out.');
  };

  beforeEach(async () => {
    fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    log = fixture.log;
  });
  afterEach(async () => {
    for (const service of services.splice(0)) await service.shutdown();
    await fixture.cleanup();
  });

  it('saves a conversation at shutdown; a restart reads its snapshot, and none of its events to find open work', async () => {
    const first = startService();
    const { id } = await first.create(ACCOUNT);
    for (const content of ['One', 'Two']) await first.send(ACCOUNT, id, { content });
    const ended = async () => {
      const state = await folded(id);
      return state.activeTurn === undefined && state.messages.filter((message) => message.status === 'complete').length;
    };
    await until(async () => (await ended()) === 4);
    const before = await first.snapshot(ACCOUNT, id);
    await first.shutdown();
    services.splice(0);

    const stored = await log.latestSnapshot(streamOf(id));
    expect(stored?.offset).toBe(await log.head(streamOf(id)));
    expect(await scanOpenWork(log, log, id)).toEqual({ open: false, read: 0 });
    const second = startService();
    expect(await second.recover([ACCOUNT])).toEqual({ conversations: 1, interrupted: 0, requeued: 0 });
    expect(await second.snapshot(ACCOUNT, id)).toEqual(before);
  });

  it('saves a snapshot in the background once a conversation grew by `snapshotEvery` events', async () => {
    const service = startService({ snapshotEvery: 5 });
    const { id } = await service.create(ACCOUNT);
    await service.send(ACCOUNT, id, { content: 'Hello' });
    // A user message (3 events) and an answer (turn_start, 3 deltas …) pass 5 events.
    await until(async () => ((await log.latestSnapshot(streamOf(id)))?.offset ?? 0) >= 5);
    const stored = await log.latestSnapshot(streamOf(id));
    const state = JSON.parse(stored?.state ?? '{}') as ConversationSnapshot;
    expect(state.offset).toBe(stored?.offset);
    expect(state.messages[0]?.blocks[0]).toMatchObject({ text: 'Hello' });
  });

  it('starts a cold read from the stored snapshot and folds only the events after it; an unusable one is passed over', async () => {
    const service = startService();
    const { id, turnId } = await conversationWithQuestion(service);
    const stored = toStoredSnapshot(await folded(id));
    // A state the log cannot produce shows whether the read started from the snapshot.
    const planted = { ...stored, state: stored.state.replace('A question?', 'Planted in the snapshot') };
    await log.saveSnapshot(streamOf(id), planted);
    await streamPartOfAnswer(id, turnId);
    const cold = startService();
    const { snapshot } = await cold.snapshot(ACCOUNT, id);
    expect(snapshot.messages[0]?.blocks[0]).toMatchObject({ text: 'Planted in the snapshot' });
    expect(snapshot.messages[1]?.blocks[0]).toMatchObject({ text: 'Half an answer' });
    expect(snapshot.offset).toBe(await log.head(streamOf(id)));

    const head = await log.head(streamOf(id));
    await log.saveSnapshot(streamOf(id), { ...planted, offset: head, state: '{"not a state' });
    const again = startService();
    expect((await again.snapshot(ACCOUNT, id)).snapshot).toEqual({
      ...snapshot,
      messages: (await folded(id)).messages,
    });
    expect((await again.snapshot(ACCOUNT, id)).snapshot.messages[0]?.blocks[0]).toMatchObject({ text: 'A question?' });
  });

  it('recovers a crash after the snapshot: the answer it never saw streaming ends interrupted', async () => {
    const service = startService();
    const { id, turnId } = await conversationWithQuestion(service);
    // The snapshot holds the question unanswered; the crash came while the answer streamed.
    await saveSnapshotNow(id);
    await streamPartOfAnswer(id, turnId);

    const restarted = startService();
    expect(await restarted.recover([ACCOUNT])).toEqual({ conversations: 1, interrupted: 1, requeued: 0 });
    const { snapshot } = await restarted.snapshot(ACCOUNT, id);
    expect(snapshot.activeTurn).toBeUndefined();
    expect(snapshot.messages.map((message) => message.status)).toEqual(['complete', 'interrupted']);
    expect(snapshot.messages[1]?.blocks[0]).toMatchObject({ text: 'Half an answer' });
  });

  it('recovers a crash after a snapshot with nothing open: the question its turn never took up is answered, the conversation left whole stays as it was', async () => {
    const service = startService();
    const { id } = await service.create(ACCOUNT);
    await service.send(ACCOUNT, id, { content: 'One' });
    await until(async () => (await folded(id)).messages.at(-1)?.status === 'complete');
    const whole = await service.create(ACCOUNT);
    await service.send(ACCOUNT, whole.id, { content: 'Two' });
    await until(async () => (await folded(whole.id)).messages.at(-1)?.status === 'complete');
    await until(
      async () => (await folded(id)).activeTurn === undefined && (await folded(whole.id)).activeTurn === undefined,
    );
    // Both saved with nothing open; then a question comes in, and the daemon dies before its turn.
    await saveSnapshotNow(id);
    await saveSnapshotNow(whole.id);
    await writeUserMessage(
      { conversationId: id, turnId: 'turn-late' as TurnId, text: 'Three?' },
      { append: append(id) },
    );

    const restarted = startService();
    expect(await restarted.recover([ACCOUNT])).toEqual({ conversations: 2, interrupted: 0, requeued: 1 });
    await until(
      async () => (await folded(id)).messages.filter((message) => message.status === 'complete').length === 4,
    );
    expect((await folded(whole.id)).messages).toHaveLength(2);
  });

  it('recovers work the snapshot holds open, with no event after it: a streaming answer, an unanswered question', async () => {
    const service = startService();
    const streaming = await conversationWithQuestion(service);
    await streamPartOfAnswer(streaming.id, streaming.turnId);
    await saveSnapshotNow(streaming.id);
    const unanswered = await conversationWithQuestion(service);
    await saveSnapshotNow(unanswered.id);
    expect(await scanOpenWork(log, log, streaming.id)).toEqual({ open: true, read: 0 });
    expect(await scanOpenWork(log, log, unanswered.id)).toEqual({ open: true, read: 0 });

    const restarted = startService();
    expect(await restarted.recover([ACCOUNT])).toEqual({ conversations: 2, interrupted: 1, requeued: 1 });
    const answered = async () => (await folded(unanswered.id)).messages.at(-1)?.status === 'complete';
    await until(answered);
    const { snapshot } = await restarted.snapshot(ACCOUNT, unanswered.id);
    expect(snapshot.messages[1]?.blocks[0]).toMatchObject({ text: FAKE_ANSWER.join('') });
    const interrupted = await restarted.snapshot(ACCOUNT, streaming.id);
    expect(interrupted.snapshot.messages.map((message) => message.status)).toEqual(['complete', 'interrupted']);
  });
});
