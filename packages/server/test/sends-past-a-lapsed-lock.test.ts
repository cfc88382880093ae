import { createKeyedLock } from '@once/log';
import type { ClientMessageId } from '@once/protocol';
import { newId } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { createInMemoryLeaseTable, createTemporaryLogFixture } from '@once/testing';
import { describe, expect, it } from 'vitest';
import type { ConversationService } from '../src/index.ts';
import { createServicesSharingALog } from './support/services-sharing-a-log.ts';
import { until } from './support/until.ts';

const ACCOUNT = 'default';
const DAEMONS = 3;

// The send lock keeps two daemons from storing one send twice, until it does not: a
// daemon frozen past its lock's timeout while it sends (PostgreSQL ends the lock's
// session) resumes and writes after another daemon took the lock and wrote the same
// message. Here every service has a lock of its own, as if each had lapsed: what is left
// to keep the send once is the log.
describe('the same send to several daemons whose send locks all lapsed', () => {
  it('stores the message once, answers it once, and every daemon returns its ids', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    const table = createInMemoryLeaseTable({ ttlMs: 5_000, maxLatencyMs: 3 });
    const services = createServicesSharingALog(fixture.log, table, DAEMONS, () => createKeyedLock());
    try {
      const [first] = services as [ConversationService];
      const { id } = await first.create(ACCOUNT);
      for (let round = 0; round < 5; round += 1) {
        const clientMessageId = newId() as ClientMessageId;
        const results = await Promise.all(
          services.map((service) => service.send(ACCOUNT, id, { content: `round ${round}`, clientMessageId })),
        );
        expect(new Set(results.map((result) => result.userMessageId)).size).toBe(1);
        expect(new Set(results.map((result) => result.turnId)).size).toBe(1);
        expect(results.filter((result) => !result.duplicate)).toHaveLength(1);

        const { snapshot } = await until(
          () => first.snapshot(ACCOUNT, id),
          ({ snapshot }) => snapshot.activeTurn === undefined && snapshot.messages.at(-1)?.role === 'assistant',
        );
        const sent = snapshot.messages.filter((message) => message.clientMessageId === clientMessageId);
        expect(sent.map((message) => message.id)).toEqual([results[0]?.userMessageId]);
        const answers = snapshot.messages.filter(
          (message) => message.role === 'assistant' && message.turnId === results[0]?.turnId,
        );
        expect(answers.map((answer) => answer.status)).toEqual(['complete']);
      }
    } finally {
      await Promise.all(services.map((service) => service.shutdown()));
      await fixture.cleanup();
    }
  }, 60_000);
});
