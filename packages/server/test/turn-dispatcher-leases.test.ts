import {
  type ConversationLeases,
  createKeyedLock,
  createLocalTurnCommands,
  type EventLog,
  type StoredEvent,
} from '@once/log';
import { OnceError } from '@once/protocol';
import { openSqliteEventLog, type SqliteEventLog } from '@once/sqlite';
import { createTemporaryLogFixture, type EventLogFixture } from '@once/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConversationService, createConversationService } from '../src/index.ts';
import { createFakeTurnRunner, type FakeTurnRunner } from './support/fake-turn-runner.ts';
import { until } from './support/until.ts';

const ACCOUNT = 'default';

/** Leases another daemon may hold: `free` says whether one can be had, `takenOver` which were lost. */
interface SwitchableLeases extends ConversationLeases {
  free: boolean;
  readonly takenOver: Set<string>;
  readonly released: string[];
  /** Called at each acquire, before it answers. */
  onAcquire: (conversationId: string) => Promise<void>;
}

function switchableLeases(ttlMs: number): SwitchableLeases {
  const leases: SwitchableLeases = {
    owner: 'this-daemon',
    ttlMs,
    free: true,
    takenOver: new Set(),
    released: [],
    onAcquire: async () => {},
    acquire: async (id) => {
      await leases.onAcquire(id);
      return leases.free;
    },
    renew: async (ids) => new Set(ids.filter((id) => !leases.takenOver.has(id))),
    release: async (id) => {
      leases.released.push(id);
    },
    lapsed: async () => [],
  };
  return leases;
}

describe('a daemon running turns only while it holds the conversation’s lease', () => {
  let fixture: EventLogFixture & { readonly log: SqliteEventLog };
  let leases: SwitchableLeases;
  let runner: FakeTurnRunner;
  let service: ConversationService;
  const events = (conversationId: string): Promise<readonly StoredEvent[]> =>
    fixture.log.read({ stream: 'conversation', conversationId }, 0 as never, 1000);

  beforeEach(async () => {
    fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    leases = switchableLeases(60);
    runner = createFakeTurnRunner();
    const coordination = {
      leases,
      sendLock: createKeyedLock(),
      commands: createLocalTurnCommands(),
      close: async () => {},
    };
    service = createConversationService({ log: fixture.log, coordination, runTurn: runner.run });
    await service.recover([ACCOUNT]);
  });
  afterEach(async () => {
    await service.shutdown();
    await fixture.cleanup();
  });

  it('stores a message it cannot answer, and answers it once the lease is free, then releases it', async () => {
    const { id } = await service.create(ACCOUNT);
    leases.free = false;
    const sent = await service.send(ACCOUNT, id, { content: 'hello' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runner.started).toEqual([]);
    expect((await events(id)).filter((event) => event.type === 'message_open')).toHaveLength(1);

    leases.free = true;
    // What a peer's sweep or a restart does: look for unanswered messages.
    expect(await service.recover([ACCOUNT])).toMatchObject({ requeued: 1, interrupted: 0 });
    const stored = await until(
      () => events(id),
      (all) => all.some((event) => event.type === 'turn_end'),
    );
    expect(runner.started).toEqual([sent.turnId]);
    expect(stored.filter((event) => event.type === 'turn_end').map((event) => event.data)).toEqual([
      { turnId: sent.turnId, reason: 'complete' },
    ]);
    await until(
      async () => leases.released,
      (released) => released.includes(id),
    );
  });

  it('takes the lease before it stores a message, so that its death would leave the message to a live daemon', async () => {
    const { id } = await service.create(ACCOUNT);
    const headsAtAcquire: number[] = [];
    leases.onAcquire = async (conversationId) => {
      headsAtAcquire.push(await fixture.log.head({ stream: 'conversation', conversationId }));
    };
    await service.send(ACCOUNT, id, { content: 'hello' });
    // The first acquire saw an empty conversation: the lease was held before the message existed.
    expect(headsAtAcquire[0]).toBe(0);
    await until(
      async () => leases.released,
      (released) => released.includes(id),
    );
    expect(runner.started).toHaveLength(1);
  });

  it('stops the running turn as interrupted when a renewal finds the lease taken over', async () => {
    const { id } = await service.create(ACCOUNT);
    runner.hold = true;
    const sent = await service.send(ACCOUNT, id, { content: 'hello' });
    await until(
      async () => runner.started.length,
      (count) => count === 1,
    );
    // Another daemon holds it now: it renews it, and this one cannot take it back.
    leases.takenOver.add(id);
    leases.free = false;
    const stored = await until(
      () => events(id),
      (all) => all.some((event) => event.type === 'turn_end'),
    );
    expect(stored.filter((event) => event.type === 'turn_end').map((event) => event.data)).toEqual([
      { turnId: sent.turnId, reason: 'interrupted' },
    ]);
    // Not its lease any more: it does not release it either.
    expect(leases.released).not.toContain(id);
  });

  it('leaves a conversation to the daemon that took it over while this one was recovering it', async () => {
    // A daemon restarting after a crash gets the lease of a conversation its crash left
    // open, then is too slow to renew it (a loaded machine): a live daemon takes it over,
    // and the recovery's writes are fenced out. Its start-up must go on, not fail.
    const { id } = await service.create(ACCOUNT);
    runner.hold = true;
    await service.send(ACCOUNT, id, { content: 'hello' });
    await until(
      async () => runner.started.length,
      (count) => count === 1,
    );
    const restarted = switchableLeases(60);
    restarted.takenOver.add(id);
    const fencedOut = new Proxy(fixture.log, {
      get(target, property) {
        if (property !== 'append') {
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return (...args: Parameters<EventLog['append']>) =>
          args[2]?.fence === undefined
            ? target.append(...args)
            : Promise.reject(
                new OnceError(
                  'conflict',
                  `This daemon no longer holds conversation ${id} (another daemon took it over).`,
                ),
              );
      },
    });
    const second = createConversationService({
      log: fencedOut,
      coordination: {
        leases: restarted,
        sendLock: createKeyedLock(),
        commands: createLocalTurnCommands(),
        close: async () => {},
      },
      runTurn: createFakeTurnRunner().run,
    });
    try {
      expect(await second.recover([ACCOUNT])).toMatchObject({ interrupted: 0, requeued: 0 });
      // Not its lease: it does not release it.
      expect(restarted.released).not.toContain(id);
    } finally {
      await second.shutdown();
    }
  });
});
