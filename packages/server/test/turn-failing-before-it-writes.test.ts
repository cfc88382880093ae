// A turn whose runner fails before it writes anything (its history could not be read, the
// model's client threw at once) leaves no trace in the log. Its user message must not be
// left unanswered while the daemon lets the conversation go: nobody would answer it
// until the next send, which would then answer both, out of order.
import type { StoredEvent } from '@once/log';
import type { TurnRunner } from '@once/producer';
import { openSqliteEventLog, type SqliteEventLog } from '@once/sqlite';
import { createTemporaryLogFixture, type EventLogFixture } from '@once/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConversationService, createConversationService } from '../src/index.ts';
import { createFakeTurnRunner } from './support/fake-turn-runner.ts';
import { grantedCoordination } from './support/granted-coordination.ts';
import { until } from './support/until.ts';

const ACCOUNT = 'default';

describe('a turn that fails before it writes anything', () => {
  let fixture: EventLogFixture & { readonly log: SqliteEventLog };
  let service: ConversationService;
  let failures: number;
  const released: string[] = [];
  const errors: unknown[] = [];
  const events = (conversationId: string): Promise<readonly StoredEvent[]> =>
    fixture.log.read({ stream: 'conversation', conversationId }, 0 as never, 1000);

  beforeEach(async () => {
    fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    const fake = createFakeTurnRunner();
    failures = 1;
    const runTurn: TurnRunner = async (turn) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('The model client could not be created.');
      }
      await fake.run(turn);
    };
    service = createConversationService({
      log: fixture.log,
      coordination: grantedCoordination(released),
      runTurn,
      onError: (error: unknown) => errors.push(error),
    });
    await service.recover([ACCOUNT]);
  });
  afterEach(async () => {
    await service.shutdown();
    await fixture.cleanup();
  });

  it('gets an answer stored as an error, so the message reads as answered and the next send answers only itself', async () => {
    const { id } = await service.create(ACCOUNT);
    const first = await service.send(ACCOUNT, id, { content: 'hello' });
    const afterFailure = await until(
      () => events(id),
      (all) => all.some((event) => event.type === 'turn_end'),
    );
    expect(afterFailure.filter((event) => event.type === 'turn_end').map((event) => event.data)).toEqual([
      { turnId: first.turnId, reason: 'error' },
    ]);
    const answer = afterFailure.find(
      (event) => event.type === 'message_complete' && (event.data as { status: string }).status === 'error',
    )?.data as { error: { code: string; message: string } } | undefined;
    expect(answer?.error.code).toBe('turn_failed');
    expect(answer?.error.message).toMatch(/send the message again or regenerate/);
    // Why it failed goes to the daemon's log.
    expect(errors.map((error) => (error as Error).message)).toContain('The model client could not be created.');
    await until(
      async () => released,
      (all) => all.includes(id),
    );

    const second = await service.send(ACCOUNT, id, { content: 'again' });
    const all = await until(
      () => events(id),
      (stored) => stored.filter((event) => event.type === 'turn_end').length === 2,
    );
    expect(all.filter((event) => event.type === 'turn_start').map((event) => event.data)).toEqual([
      { turnId: first.turnId, userMessageId: first.userMessageId },
      { turnId: second.turnId, userMessageId: second.userMessageId },
    ]);
    expect(all.filter((event) => event.type === 'turn_end').map((event) => event.data)).toEqual([
      { turnId: first.turnId, reason: 'error' },
      { turnId: second.turnId, reason: 'complete' },
    ]);
  });
});
