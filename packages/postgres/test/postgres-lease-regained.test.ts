// A daemon frozen mid-answer loses the conversation to a peer, which closes the answer as
// `interrupted` and lets the conversation go. When the daemon wakes, its turn's writes are
// fenced out and the turn fails; but writes it had sent before it learned of that may still
// be on their way to the database. A message sent through the same daemon then takes the
// lease again: the fence names the daemon, not the turn, so those late writes passed it and
// landed after the peer's `message_complete`, a `seq` skipping the ones fenced out. Every
// reader's fold stopped there (seen in torture runs on PostgreSQL: "seq 34 follows 30").
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationLeases, TurnCoordination } from '@once/log';
import { createMessageWriter, type TurnContext, type TurnRunner } from '@once/producer';
import type { ConversationEventDraft, IncomingEvent } from '@once/protocol';
import { type ConversationService, createConversationService } from '@once/server';
import { createPostgresTestSchema, foldEvents, readAll } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { openPostgresEventLog, openPostgresTurnCoordination, type PostgresEventLog } from '../src/index.ts';
import { until } from './until.ts';

const ACCOUNT = 'default';
const LEASE_MS = 1_000;

/** The first turn streams until it is stopped; later ones answer in three words. */
function streamingRunner(ended: Set<string>): TurnRunner {
  let turns = 0;
  return async (turn) => {
    turns += 1;
    const words = turns === 1 ? Number.POSITIVE_INFINITY : 3;
    try {
      await turn.append([draft(turn, 'turn_start', { turnId: turn.turnId, userMessageId: turn.userMessageId })]);
      const writer = createMessageWriter(
        { conversationId: turn.conversationId, role: 'assistant', turnId: turn.turnId },
        { append: turn.append },
      );
      const block = writer.openBlock({ blockType: 'text' });
      for (let word = 0; word < words && !turn.signal.aborted; word += 1) {
        writer.appendDelta(block, { text: `word ${word} ` });
        await sleep(5);
      }
      const status = turn.signal.aborted ? 'interrupted' : 'complete';
      await writer.complete(status);
      await turn.append([draft(turn, 'turn_end', { turnId: turn.turnId, reason: status })]);
    } finally {
      ended.add(turn.turnId);
    }
  };
}

function draft(turn: TurnContext, type: 'turn_start' | 'turn_end', data: object): ConversationEventDraft {
  const ts = new Date().toISOString();
  return { stream: 'conversation', conversationId: turn.conversationId, type, ts, data } as ConversationEventDraft;
}

/** A log whose fenced appends (a turn's) can be held back, as a frozen daemon's are. */
function holdingLog(log: PostgresEventLog) {
  let holding = false;
  const held: (() => void)[] = [];
  const proxy = new Proxy(log, {
    get(target, property) {
      if (property === 'append') {
        return (...args: Parameters<PostgresEventLog['append']>) => {
          if (!holding || args[2]?.fence === undefined) return target.append(...args);
          return new Promise<void>((resolve) => held.push(resolve)).then(() => target.append(...args));
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    log: proxy,
    hold: () => {
      holding = true;
    },
    /** Lets the oldest held append go on to the database. */
    releaseOne: () => held.shift()?.(),
    releaseAll: () => {
      holding = false;
      for (const release of held.splice(0)) release();
    },
  };
}

/** Leases whose renewals can be held back, as a frozen daemon's are. */
function holdingRenewals(leases: ConversationLeases) {
  let thawed: Promise<void> = Promise.resolve();
  let thaw = () => {};
  return {
    leases: {
      ...leases,
      acquire: (id: string) => leases.acquire(id),
      release: (id: string) => leases.release(id),
      lapsed: () => leases.lapsed(),
      renew: async (ids: readonly string[]) => {
        await thawed;
        return leases.renew(ids);
      },
    } satisfies ConversationLeases,
    freeze: () => {
      ({ promise: thawed, resolve: thaw } = Promise.withResolvers<void>());
    },
    thaw: () => thaw(),
  };
}

async function openDaemon(url: string, wrap: (log: PostgresEventLog) => PostgresEventLog, runTurn: TurnRunner) {
  const log = await openPostgresEventLog({ url });
  const coordination = await openPostgresTurnCoordination({ url, leaseMs: LEASE_MS });
  const renewals = holdingRenewals(coordination.leases);
  const shared: TurnCoordination = { ...coordination, leases: renewals.leases };
  const service: ConversationService = createConversationService({ log: wrap(log), coordination: shared, runTurn });
  await service.recover([ACCOUNT]);
  return {
    service,
    log,
    renewals,
    async [Symbol.asyncDispose]() {
      renewals.thaw();
      await service.shutdown();
      await coordination.close();
      await log.close();
    },
  };
}

describe('a daemon that lost a conversation mid-answer and is sent a message there as it wakes', () => {
  it('stores nothing of its old answer after the peer closed it, and answers the new message', async () => {
    await using database = await createPostgresTestSchema();
    const ended = new Set<string>();
    let holding: ReturnType<typeof holdingLog> | undefined;
    await using frozen = await openDaemon(
      database.url,
      (log) => {
        holding = holdingLog(log);
        return holding.log;
      },
      streamingRunner(ended),
    );
    await using peer = await openDaemon(database.url, (log) => log, streamingRunner(new Set()));
    if (holding === undefined) throw new Error('the log was not wrapped');
    const gate = holding;
    try {
      const { id } = await frozen.service.create(ACCOUNT);
      const stream = { stream: 'conversation', conversationId: id } as const;
      const events = () => readAll(peer.log, stream) as Promise<IncomingEvent[]>;
      const first = await frozen.service.send(ACCOUNT, id, { content: 'first question' });
      await until(events, (all) => all.filter((event) => event.type === 'block_delta').length >= 3, 'the answer');

      // Frozen: neither its turn's writes nor its renewals reach the database. The lease
      // lapses; the peer takes the conversation over, closes the answer and lets it go.
      gate.hold();
      frozen.renewals.freeze();
      await until(events, (all) => all.some((event) => event.type === 'turn_end'), "the peer's recovery");

      // Awake: the first write held back is fenced out, and the turn fails at its next word.
      gate.releaseOne();
      await until(async () => ended.has(first.turnId), Boolean, 'the first turn to stop');
      const second = await frozen.service.send(ACCOUNT, id, { content: 'second question' });
      gate.releaseAll();
      frozen.renewals.thaw();

      const all = await until(
        events,
        (stored) =>
          stored.some(
            (event) => event.type === 'turn_end' && (event.data as { turnId: string }).turnId === second.turnId,
          ),
        'the answer to the second question',
      );
      // The first answer's events stored after its message_complete: none.
      const opened = all.find((event) => {
        const data = event.data as { role?: string; turnId?: string };
        return event.type === 'message_open' && data.role === 'assistant' && data.turnId === first.turnId;
      });
      const answer = (opened as { messageId?: string } | undefined)?.messageId;
      expect(answer).toBeDefined();
      const ofAnswer = all.filter((event) => (event as { messageId?: string }).messageId === answer);
      const closedAt = ofAnswer.find((event) => event.type === 'message_complete')?.offset ?? Number.POSITIVE_INFINITY;
      const late = ofAnswer.filter((event) => event.offset > closedAt);
      expect(late.map((event) => `${event.offset} ${event.type} seq ${(event as { seq?: number }).seq}`)).toEqual([]);
      expect(() => foldEvents(id, all)).not.toThrow();
    } finally {
      // Whatever failed, nothing stays held: the daemons' shutdown waits for their turns' writes.
      gate.releaseAll();
      frozen.renewals.thaw();
    }
  }, 60_000);
});
