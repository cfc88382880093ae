// Two messages sent before the first is answered: the first answer opens after the second
// question, so on the tree it follows that question (decision 022), though it answers the
// first. Regenerating it must answer the first question again, not the second.
import type { TurnRunner } from '@once/producer';
import { type MessageId, newId } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { createTemporaryLogFixture } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { createConversationService } from '../src/index.ts';
import { createFakeTurnRunner } from './support/fake-turn-runner.ts';
import { grantedCoordination } from './support/granted-coordination.ts';
import { until } from './support/until.ts';

const ACCOUNT = 'default';

describe('regenerating an answer that opened after the next question', () => {
  it('answers the question that answer answered', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    const fake = createFakeTurnRunner();
    const firstTurnMayRun = Promise.withResolvers<void>();
    const questions: MessageId[] = [];
    const runTurn: TurnRunner = async (turn) => {
      questions.push(turn.userMessageId);
      if (questions.length === 1) await firstTurnMayRun.promise;
      await fake.run(turn);
    };
    const service = createConversationService({
      log: fixture.log,
      coordination: grantedCoordination([]),
      runTurn,
      onError: () => {},
    });
    try {
      await service.recover([ACCOUNT]);
      const { id } = await service.create(ACCOUNT);
      const first = await service.send(ACCOUNT, id, { content: 'first question' });
      const second = await service.send(ACCOUNT, id, { content: 'second question' });
      firstTurnMayRun.resolve();
      const { snapshot } = await until(
        () => service.snapshot(ACCOUNT, id),
        ({ snapshot }) =>
          snapshot.activeTurn === undefined &&
          snapshot.messages.filter((message) => message.role === 'assistant' && message.status === 'complete')
            .length === 2,
      );
      const firstAnswer = snapshot.messages.find(
        (message) => message.role === 'assistant' && message.turnId === first.turnId,
      );
      expect(snapshot.messages.map((message) => message.id)).toEqual([
        first.userMessageId,
        second.userMessageId,
        firstAnswer?.id,
        expect.any(String),
      ]);

      const regenerated = await service.regenerate(ACCOUNT, id, firstAnswer?.id as string, {
        clientMessageId: newId() as never,
      });
      expect(regenerated.userMessageId).toBe(first.userMessageId);
      await until(
        async () => questions,
        (asked) => asked.length === 3,
      );
      expect(questions).toEqual([first.userMessageId, second.userMessageId, first.userMessageId]);
    } finally {
      await service.shutdown();
      await fixture.cleanup();
    }
  }, 30_000);
});
