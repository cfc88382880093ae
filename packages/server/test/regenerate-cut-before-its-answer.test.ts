// A regenerate turn cut off after its turn_start and before its answer's message_open (its
// daemon killed, or its model slow to answer, right then). The log knows the request from
// that turn_start on (decision 040): recovery opens the answer the turn never opened beside
// the answer regenerated, and a retry of the request (its 202 lost) gets the first ids.
import { alternativesOf, fromSnapshot } from '@once/core';
import { createKeyedLock, createLocalTurnCommands, type EventLog, type StoredEvent } from '@once/log';
import type { TurnRunner } from '@once/producer';
import { type ClientMessageId, type MessageId, newId } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { createInMemoryLeaseTable, createTemporaryLogFixture } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { type ConversationService, createConversationService } from '../src/index.ts';
import { createFakeTurnRunner } from './support/fake-turn-runner.ts';
import { until } from './support/until.ts';

const ACCOUNT = 'default';

/**
 * Answers a send as the fake model does; a regenerate turn stores its turn_start (as a
 * runner that knows nothing of regenerates writes it) and then waits for its model's first
 * word, which never comes: the turn ends, writing nothing more, only when it is stopped.
 */
function cutOffBeforeRegeneratedAnswer() {
  const fake = createFakeTurnRunner();
  const started = Promise.withResolvers<void>();
  const run: TurnRunner = async (turn) => {
    if (turn.replaces === undefined) return fake.run(turn);
    const ts = new Date().toISOString();
    const data = { turnId: turn.turnId, userMessageId: turn.userMessageId };
    await turn.append([{ stream: 'conversation', conversationId: turn.conversationId, type: 'turn_start', ts, data }]);
    started.resolve();
    await new Promise<void>((resolve) => turn.signal.addEventListener('abort', () => resolve(), { once: true }));
  };
  return { run, started: started.promise };
}

const events = (log: EventLog, conversationId: string): Promise<readonly StoredEvent[]> =>
  log.read({ stream: 'conversation', conversationId }, 0 as never, 1000);

/** A conversation with one question answered; @returns its id and the answer's. */
async function answeredConversation(service: ConversationService) {
  const { id } = await service.create(ACCOUNT);
  await service.send(ACCOUNT, id, { content: 'a question' });
  const { snapshot } = await until(
    () => service.snapshot(ACCOUNT, id),
    ({ snapshot }) => snapshot.activeTurn === undefined && snapshot.messages.at(-1)?.status === 'complete',
  );
  return { id, answerId: snapshot.messages.at(-1)?.id as MessageId };
}

describe('a regenerate turn cut off between its turn_start and its answer', () => {
  it('is recovered as an answer beside the regenerated one, and a retry of the request gets its ids and runs nothing', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    const cut = cutOffBeforeRegeneratedAnswer();
    const first = createConversationService({ log: fixture.log, runTurn: cut.run, onError: () => {} });
    let second: ConversationService | undefined;
    try {
      await first.recover([ACCOUNT]);
      const { id, answerId } = await answeredConversation(first);
      const clientMessageId = newId() as ClientMessageId;
      const accepted = await first.regenerate(ACCOUNT, id, answerId, { clientMessageId });
      await cut.started;
      // The daemon stops there, as a killed one does: its turn never wrote its answer.
      await first.shutdown();
      expect((await events(fixture.log, id)).at(-1)?.type).toBe('turn_start');
      await fixture.log.close();

      const restarted = createFakeTurnRunner();
      second = createConversationService({ log: await fixture.reopen(), runTurn: restarted.run });
      await second.recover([ACCOUNT]);
      const { snapshot } = await second.snapshot(ACCOUNT, id);
      const recovered = snapshot.messages.find((message) => message.turnId === accepted.turnId);
      expect(recovered).toMatchObject({
        role: 'assistant',
        status: 'interrupted',
        replaces: answerId,
        clientMessageId,
      });
      // "‹ 2 / 2 ›" under the question, not a second answer below the first.
      expect(alternativesOf(fromSnapshot(snapshot), answerId).ids).toEqual([answerId, recovered?.id]);

      const retried = await second.regenerate(ACCOUNT, id, answerId, { clientMessageId });
      expect(retried).toEqual({ ...accepted, duplicate: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(restarted.started).toEqual([]);
      const after = await second.snapshot(ACCOUNT, id);
      expect(after.snapshot.messages.filter((message) => message.role === 'assistant')).toHaveLength(2);
    } finally {
      await first.shutdown();
      await second?.shutdown();
      await fixture.cleanup();
    }
  }, 30_000);

  it('is found by a retry through another daemon while it runs: the retry gets its ids at once, not a 409', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    const table = createInMemoryLeaseTable({ ttlMs: 60_000 });
    const sendLock = createKeyedLock();
    const daemon = (owner: string, runTurn: TurnRunner) =>
      createConversationService({
        log: fixture.log,
        runTurn,
        onError: () => {},
        coordination: {
          leases: table.leasesFor(owner),
          sendLock,
          commands: createLocalTurnCommands(),
          close: async () => {},
        },
      });
    const cut = cutOffBeforeRegeneratedAnswer();
    const first = daemon('first', cut.run);
    const other = createFakeTurnRunner();
    const second = daemon('second', other.run);
    try {
      await first.recover([ACCOUNT]);
      await second.recover([ACCOUNT]);
      const { id, answerId } = await answeredConversation(first);
      const clientMessageId = newId() as ClientMessageId;
      const accepted = await first.regenerate(ACCOUNT, id, answerId, { clientMessageId });
      await cut.started;

      const retried = await second.regenerate(ACCOUNT, id, answerId, { clientMessageId });
      expect(retried).toEqual({ ...accepted, duplicate: true });
      expect(other.started).toEqual([]);
    } finally {
      await first.shutdown();
      await second.shutdown();
      await fixture.cleanup();
    }
  }, 30_000);
});
