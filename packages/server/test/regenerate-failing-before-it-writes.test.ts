// A regenerate turn whose runner fails before it writes anything (its model client threw
// at once). The request was accepted with a 202: the user must see the error where the new
// answer would have been, as a send's failed turn shows one, not nothing at all.
import { alternativesOf, currentPath, fromSnapshot } from '@once/core';
import type { TurnRunner } from '@once/producer';
import { type ClientMessageId, type MessageId, newId } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { createTemporaryLogFixture } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { createConversationService } from '../src/index.ts';
import { createFakeTurnRunner } from './support/fake-turn-runner.ts';
import { grantedCoordination } from './support/granted-coordination.ts';
import { until } from './support/until.ts';

const ACCOUNT = 'default';

describe('a regenerate turn that fails before it writes anything', () => {
  it('gets a failed answer beside the answer regenerated, which a retry of the request finds', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    const fake = createFakeTurnRunner();
    const errors: unknown[] = [];
    const runTurn: TurnRunner = async (turn) => {
      if (turn.replaces !== undefined) throw new Error('The model client could not be created.');
      await fake.run(turn);
    };
    const service = createConversationService({
      log: fixture.log,
      coordination: grantedCoordination([]),
      runTurn,
      onError: (error: unknown) => errors.push(error),
    });
    try {
      await service.recover([ACCOUNT]);
      const { id } = await service.create(ACCOUNT);
      await service.send(ACCOUNT, id, { content: 'a question' });
      const answered = await until(
        () => service.snapshot(ACCOUNT, id),
        ({ snapshot }) => snapshot.activeTurn === undefined && snapshot.messages.at(-1)?.status === 'complete',
      );
      const answerId = answered.snapshot.messages.at(-1)?.id as MessageId;
      const clientMessageId = newId() as ClientMessageId;
      const accepted = await service.regenerate(ACCOUNT, id, answerId, { clientMessageId });

      const { snapshot } = await until(
        () => service.snapshot(ACCOUNT, id),
        ({ snapshot }) => snapshot.messages.some((message) => message.turnId === accepted.turnId),
      );
      const failed = snapshot.messages.find((message) => message.turnId === accepted.turnId);
      expect(failed).toMatchObject({
        role: 'assistant',
        status: 'error',
        error: { code: 'turn_failed' },
        replaces: answerId,
        clientMessageId,
      });
      expect(snapshot.activeTurn).toBeUndefined();
      const state = fromSnapshot(snapshot);
      // Shown where the new answer would be: "‹ 2 / 2 ›" under the question, on the current path.
      expect(alternativesOf(state, answerId).ids).toEqual([answerId, failed?.id]);
      expect(currentPath(state).map((message) => message.id)).toEqual([accepted.userMessageId, failed?.id]);
      expect(errors.map((error) => (error as Error).message)).toContain('The model client could not be created.');

      const retried = await service.regenerate(ACCOUNT, id, answerId, { clientMessageId });
      expect(retried).toEqual({ ...accepted, duplicate: true });
    } finally {
      await service.shutdown();
      await fixture.cleanup();
    }
  }, 30_000);
});
