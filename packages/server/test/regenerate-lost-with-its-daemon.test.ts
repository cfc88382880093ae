import { createKeyedLock } from '@once/log';
import { type ClientMessageId, isOnceError, newId } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import { createInMemoryLeaseTable, createTemporaryLogFixture } from '@once/testing';
import { describe, expect, it } from 'vitest';
import type { ConversationService } from '../src/index.ts';
import { createServicesSharingALog } from './support/services-sharing-a-log.ts';
import { until } from './support/until.ts';

const ACCOUNT = 'default';

// A regenerate retried through another daemon waits for the answer the first daemon
// queued (postgres-regenerate-retry.test.ts). Here the first daemon took the lease and
// died before its turn started: no answer ever opens, and the retry must still end.
describe('a regenerate retried while a daemon that died holds the lease', () => {
  it('is refused with a 409 once no answer opened, and runs when sent again after the lease is free', async () => {
    const fixture = await createTemporaryLogFixture((path) => openSqliteEventLog({ path }));
    const table = createInMemoryLeaseTable({ ttlMs: 60_000 });
    const [service] = createServicesSharingALog(fixture.log, table, 1, () => createKeyedLock()) as [
      ConversationService,
    ];
    try {
      const { id } = await service.create(ACCOUNT);
      await service.send(ACCOUNT, id, { content: 'a question' });
      const { snapshot } = await until(
        () => service.snapshot(ACCOUNT, id),
        ({ snapshot }) => snapshot.activeTurn === undefined && snapshot.messages.at(-1)?.status === 'complete',
      );
      const answerId = snapshot.messages.at(-1)?.id as string;
      const gone = table.leasesFor('daemon-that-died');
      expect(await gone.acquire(id)).toBe(true);

      const clientMessageId = newId() as ClientMessageId;
      const refused = await service
        .regenerate(ACCOUNT, id, answerId, { clientMessageId })
        .catch((error: unknown) => error);
      expect(isOnceError(refused) && refused.code).toBe('conflict');
      expect((refused as Error).message).toMatch(/wait for it to end/);

      await gone.release(id);
      const ran = await service.regenerate(ACCOUNT, id, answerId, { clientMessageId });
      expect(ran.duplicate).toBe(false);
    } finally {
      await service.shutdown();
      await fixture.cleanup();
    }
  }, 30_000);
});
