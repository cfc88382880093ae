// A turn that started (turn_start stored) and was cut off before its assistant message
// opened — its daemon killed, or its lease lost, right then — is a turn that ran: after
// recovery its user message is answered (interrupted), and no later wake runs it again.
import { type ConversationLeases, createKeyedLock, createLocalTurnCommands, type StoredEvent } from '@once/log';
import type { ConversationEventDraft } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { createInMemoryLeaseTable, createTemporaryLogFixture } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { createConversationService } from '../src/index.ts';
import { createFakeTurnRunner } from './support/fake-turn-runner.ts';

const ACCOUNT = 'default';

describe('a turn cut off between its turn_start and its answer', () => {
  it('counts as the answer of its user message: a later send runs only the new message', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    // Two daemons on one log; the lease table lets the second take over once the first's lease lapses.
    const table = createInMemoryLeaseTable({ ttlMs: 200 });
    const coordination = (leases: ConversationLeases) => ({
      leases,
      sendLock: createKeyedLock(),
      commands: createLocalTurnCommands(),
      close: async () => {},
    });
    // The first daemon's leases stop being renewed once it is "killed".
    const firstLeases = table.leasesFor('first');
    let killed = false;
    const dying: ConversationLeases = {
      ...firstLeases,
      renew: (ids) => (killed ? Promise.resolve(new Set<string>()) : firstLeases.renew(ids)),
    };
    let cutOff: (() => void) | undefined;
    const first = createConversationService({
      log: fixture.log,
      coordination: coordination(dying),
      // Stores turn_start, then stops as a killed daemon does: nothing more is written.
      runTurn: async (turn) => {
        const start: ConversationEventDraft = {
          stream: 'conversation',
          conversationId: turn.conversationId,
          type: 'turn_start',
          ts: new Date().toISOString(),
          data: { turnId: turn.turnId, userMessageId: turn.userMessageId },
        };
        await turn.append([start]);
        await new Promise<void>((resolve) => {
          cutOff = resolve;
        });
      },
    });
    const runner = createFakeTurnRunner();
    const second = createConversationService({
      log: fixture.log,
      coordination: coordination(table.leasesFor('second')),
      runTurn: runner.run,
    });
    const events = async (conversationId: string): Promise<readonly StoredEvent[]> =>
      fixture.log.read({ stream: 'conversation', conversationId }, 0 as never, 1000);
    try {
      const { id } = await first.create(ACCOUNT);
      const cut = await first.send(ACCOUNT, id, { content: 'first question' });
      while (!(await events(id)).some((event) => event.type === 'turn_start')) await sleep(10);
      // The first daemon is gone: its lease lapses and the second recovers the conversation.
      killed = true;
      await sleep(300);
      await second.recover([ACCOUNT]);
      const later = await second.send(ACCOUNT, id, { content: 'second question' });
      while (
        !(await events(id)).some(
          (event) => event.type === 'turn_end' && (event.data as { turnId: string }).turnId === later.turnId,
        )
      ) {
        await sleep(10);
      }
      expect(runner.started).toEqual([later.turnId]);
      const starts = (await events(id)).filter((event) => event.type === 'turn_start');
      expect(starts.map((event) => (event.data as { userMessageId: string }).userMessageId)).toEqual([
        cut.userMessageId,
        later.userMessageId,
      ]);
    } finally {
      cutOff?.();
      await second.shutdown();
      await first.shutdown();
      await fixture.cleanup();
    }
  }, 30_000);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
