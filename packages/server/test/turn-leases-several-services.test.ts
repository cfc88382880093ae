import { setTimeout as sleep } from 'node:timers/promises';
import { createConversationState, reduceAll } from '@once/core';
import { createKeyedLock, type StoredEvent } from '@once/log';
import type { ConversationId, IncomingEvent } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { createInMemoryLeaseTable, createTemporaryLogFixture } from '@once/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConversationService } from '../src/index.ts';
import { createServicesSharingALog } from './support/services-sharing-a-log.ts';

const ACCOUNT = 'default';
const DAEMONS = 3;

/** Sends, each to one of the services, after a pause (ms) since the previous one. */
const sendPlan = fc.array(
  fc.record({ to: fc.integer({ min: 0, max: DAEMONS - 1 }), pauseMs: fc.integer({ min: 0, max: 4 }) }),
  { minLength: 1, maxLength: 8 },
);

async function readAllEvents(
  read: (after: number) => Promise<readonly StoredEvent[]>,
): Promise<readonly StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await read(events.at(-1)?.offset ?? 0);
    events.push(...page);
    if (page.length < 1000) return events;
  }
}

// Several services on one log with one lease table: daemons sharing a database, in one
// process, with the lease table's round trips interleaving at random.
describe('several services sharing one log and its leases', () => {
  it('run one turn at a time per conversation and answer every message once, in the order stored', async () => {
    await fc.assert(
      fc.asyncProperty(sendPlan, async (plan) => {
        const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
        const table = createInMemoryLeaseTable({ ttlMs: 5_000, maxLatencyMs: 3 });
        // The send lock of a database is one for every daemon.
        const sendLock = createKeyedLock();
        const services = createServicesSharingALog(fixture.log, table, DAEMONS, () => sendLock);
        const daemon = (index: number): ConversationService => {
          const service = services[index];
          if (service === undefined) throw new Error(`No service ${index}.`);
          return service;
        };
        try {
          await Promise.all(services.map((service) => service.recover([ACCOUNT])));
          const { id } = await daemon(0).create(ACCOUNT);
          const sent: Promise<unknown>[] = [];
          for (const { to, pauseMs } of plan) {
            await sleep(pauseMs);
            sent.push(daemon(to).send(ACCOUNT, id, { content: `to ${to}` }));
          }
          await Promise.all(sent);
          const stream = { stream: 'conversation', conversationId: id } as const;
          let events: readonly StoredEvent[] = [];
          for (let attempt = 0; attempt < 500; attempt += 1) {
            events = await readAllEvents((after) => fixture.log.read(stream, after as never, 1000));
            if (events.filter((event) => event.type === 'turn_end').length >= plan.length) break;
            await sleep(5);
          }

          let open: string | undefined;
          const started: string[] = [];
          for (const event of events) {
            const data = event.data as { turnId: string; userMessageId: string };
            if (event.type === 'turn_start') {
              expect(open).toBeUndefined();
              open = data.turnId;
              started.push(data.userMessageId);
            } else if (event.type === 'turn_end') {
              expect(data.turnId).toBe(open);
              open = undefined;
            }
          }
          expect(open).toBeUndefined();
          const state = reduceAll(createConversationState(id as ConversationId), events as readonly IncomingEvent[]);
          const users = state.messages.filter((message) => message.role === 'user');
          expect(users).toHaveLength(plan.length);
          expect(started).toEqual(users.map((message) => message.id));
          for (const user of users) {
            const answers = state.messages.filter(
              (message) => message.role === 'assistant' && message.turnId === user.turnId,
            );
            expect(answers.map((answer) => answer.status)).toEqual(['complete']);
          }
        } finally {
          await Promise.all(services.map((service) => service.shutdown()));
          await fixture.cleanup();
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
