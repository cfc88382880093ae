// A regenerate is queued on the daemon that accepted it, and the log learns of it only
// when its answer opens. A client whose connection was cut retries the same request
// (same clientMessageId); a load balancer sends the retry to another daemon, which finds
// no answer carrying that id yet and cannot queue a turn (the first daemon holds the
// conversation's lease). The retry must get the first request's ids as a duplicate, as
// on the same daemon, not a 409 that reads as a failure.
import type { ConversationLeases, TurnCoordination } from '@once/log';
import { createMessageWriter, type TurnContext, type TurnRunner } from '@once/producer';
import { type ClientMessageId, type ConversationEventDraft, isOnceError, newId } from '@once/protocol';
import { type ConversationService, createConversationService } from '@once/server';
import { createPostgresTestSchema } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { openPostgresEventLog, openPostgresTurnCoordination } from '../src/index.ts';
import { until } from './until.ts';

const ACCOUNT = 'default';

/** Where a held regenerate turn stops: before anything of it is stored, or after its turn_start. */
type HoldPoint = 'before turn_start' | 'before message_open';

/** A gate a regenerate turn waits at, and a promise of its reaching it. */
function createGate() {
  const reached = Promise.withResolvers<void>();
  const opened = Promise.withResolvers<void>();
  return { reached: reached.promise, reach: reached.resolve, opened: opened.promise, open: opened.resolve };
}

/** Answers in three words; a regenerate turn first waits at `gate` (at `holdAt`), when given. */
function answeringRunner(gate?: ReturnType<typeof createGate>, holdAt?: HoldPoint): TurnRunner {
  const hold = async (point: HoldPoint, turn: TurnContext) => {
    if (gate === undefined || point !== holdAt || turn.replaces === undefined) return;
    gate.reach();
    await gate.opened;
  };
  return async (turn) => {
    await hold('before turn_start', turn);
    await turn.append([draft(turn, 'turn_start', { turnId: turn.turnId, userMessageId: turn.userMessageId })]);
    await hold('before message_open', turn);
    const writer = createMessageWriter(
      {
        conversationId: turn.conversationId,
        role: 'assistant',
        turnId: turn.turnId,
        ...(turn.replaces === undefined ? {} : { replaces: turn.replaces }),
        ...(turn.clientMessageId === undefined ? {} : { clientMessageId: turn.clientMessageId }),
      },
      { append: turn.append },
    );
    const block = writer.openBlock({ blockType: 'text' });
    for (const word of ['an', ' answer', ' again']) writer.appendDelta(block, { text: word });
    await writer.complete('complete');
    await turn.append([draft(turn, 'turn_end', { turnId: turn.turnId, reason: 'complete' })]);
  };
}

function draft(turn: TurnContext, type: 'turn_start' | 'turn_end', data: object): ConversationEventDraft {
  const ts = new Date().toISOString();
  return { stream: 'conversation', conversationId: turn.conversationId, type, ts, data } as ConversationEventDraft;
}

/** Leases that call `onRefused` whenever this daemon asks for a lease another one holds. */
function watchedLeases(leases: ConversationLeases) {
  const watched = {
    onRefused: () => {},
    leases: {
      owner: leases.owner,
      ttlMs: leases.ttlMs,
      acquire: async (id: string) => {
        const granted = await leases.acquire(id);
        if (!granted) watched.onRefused();
        return granted;
      },
      renew: (ids: readonly string[]) => leases.renew(ids),
      release: (id: string) => leases.release(id),
      lapsed: () => leases.lapsed(),
    } satisfies ConversationLeases,
  };
  return watched;
}

/** A daemon process: its own log, pool and owner id on the shared schema. */
async function openDaemon(url: string, runTurn: TurnRunner) {
  const log = await openPostgresEventLog({ url });
  const coordination = await openPostgresTurnCoordination({ url });
  const leases = watchedLeases(coordination.leases);
  const shared: TurnCoordination = { ...coordination, leases: leases.leases };
  const service: ConversationService = createConversationService({ log, coordination: shared, runTurn });
  await service.recover([ACCOUNT]);
  return {
    service,
    leases,
    async [Symbol.asyncDispose]() {
      await service.shutdown();
      await coordination.close();
      await log.close();
    },
  };
}

/** Two daemons on one schema, a conversation with one answered question, and that answer's id. */
async function answeredConversation(url: string, holdAt: HoldPoint) {
  const gate = createGate();
  const first = await openDaemon(url, answeringRunner(gate, holdAt));
  const second = await openDaemon(url, answeringRunner());
  const { id } = await first.service.create(ACCOUNT);
  await first.service.send(ACCOUNT, id, { content: 'a question' });
  const idle = await until(
    () => first.service.snapshot(ACCOUNT, id),
    ({ snapshot }) => snapshot.activeTurn === undefined && snapshot.messages.at(-1)?.status === 'complete',
    'the first answer',
  );
  const answerId = idle.snapshot.messages.at(-1)?.id as string;
  return { first, second, gate, id, answerId };
}

describe('a regenerate retried through another daemon before its answer opened', () => {
  it.each<HoldPoint>(['before turn_start', 'before message_open'])(
    'gets the first request’s ids as a duplicate (turn held %s)',
    async (holdAt) => {
      await using database = await createPostgresTestSchema();
      const { first, second, gate, id, answerId } = await answeredConversation(database.url, holdAt);
      await using _first = first;
      await using _second = second;
      try {
        const clientMessageId = newId() as ClientMessageId;
        const accepted = await first.service.regenerate(ACCOUNT, id, answerId, { clientMessageId });
        expect(accepted.duplicate).toBe(false);
        await gate.reached;
        if (holdAt === 'before message_open') {
          await until(
            () => second.service.snapshot(ACCOUNT, id),
            ({ snapshot }) => snapshot.activeTurn?.turnId === accepted.turnId,
            'the regenerate turn to start',
          );
        }

        // The answer opens only once the second daemon found the lease taken: the retry has
        // seen no answer carrying its id and could not queue a turn of its own.
        second.leases.onRefused = gate.open;
        const retried = await second.service.regenerate(ACCOUNT, id, answerId, { clientMessageId });
        expect(retried).toEqual({ ...accepted, duplicate: true });
        // A turn that started is found by its turn_start (decision 040): that retry asked
        // for no lease and waited for no answer, so the gate may still be shut.
        gate.open();

        const { snapshot } = await until(
          () => second.service.snapshot(ACCOUNT, id),
          ({ snapshot }) => snapshot.activeTurn === undefined && snapshot.messages.at(-1)?.status === 'complete',
          'the regenerated answer',
        );
        const answers = snapshot.messages.filter((message) => message.clientMessageId === clientMessageId);
        expect(answers.map((answer) => [answer.turnId, answer.replaces, answer.status])).toEqual([
          [accepted.turnId, answerId, 'complete'],
        ]);
      } finally {
        gate.open();
      }
    },
    60_000,
  );

  it('is still refused with a 409 when the answer that opens is another request’s', async () => {
    await using database = await createPostgresTestSchema();
    const { first, second, gate, id, answerId } = await answeredConversation(database.url, 'before message_open');
    await using _first = first;
    await using _second = second;
    try {
      const accepted = await first.service.regenerate(ACCOUNT, id, answerId, {
        clientMessageId: newId() as ClientMessageId,
      });
      await gate.reached;
      second.leases.onRefused = gate.open;
      const other = await second.service
        .regenerate(ACCOUNT, id, answerId, { clientMessageId: newId() as ClientMessageId })
        .catch((error: unknown) => error);
      expect(isOnceError(other) && other.code).toBe('conflict');
      expect((other as Error).message).toMatch(/wait for it to end/);

      const { snapshot } = await until(
        () => second.service.snapshot(ACCOUNT, id),
        ({ snapshot }) => snapshot.activeTurn === undefined && snapshot.messages.at(-1)?.status === 'complete',
        'the regenerated answer',
      );
      expect(snapshot.messages.filter((message) => message.replaces === answerId).map((m) => m.turnId)).toEqual([
        accepted.turnId,
      ]);
    } finally {
      gate.open();
    }
  }, 60_000);
});
