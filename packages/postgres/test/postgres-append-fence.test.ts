import { setTimeout as sleep } from 'node:timers/promises';
import type { TurnCoordination } from '@once/log';
import {
  createPostgresTestSchema,
  deltaDrafts,
  newConversationStream,
  newMessageId,
  type PostgresTestSchema,
  readAll,
} from '@once/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresEventLog, openPostgresTurnCoordination, type PostgresEventLog } from '../src/index.ts';

const LEASE_MS = 300;

describe('appends fenced by a conversation lease on PostgreSQL', () => {
  let database: PostgresTestSchema;
  let log: PostgresEventLog;
  let stalled: TurnCoordination;
  let peer: TurnCoordination;
  beforeEach(async () => {
    database = await createPostgresTestSchema();
    log = await openPostgresEventLog({ url: database.url });
    stalled = await openPostgresTurnCoordination({ url: database.url, leaseMs: LEASE_MS });
    peer = await openPostgresTurnCoordination({ url: database.url, leaseMs: LEASE_MS });
  });
  afterEach(async () => {
    await Promise.allSettled([log.close(), stalled.close(), peer.close()]);
    await database.drop();
  });

  it('refuses the writes of a daemon whose lease a peer took over, and stores those of the same batch that pass', async () => {
    const stream = newConversationStream();
    const other = newConversationStream();
    const message = newMessageId();
    expect(await stalled.leases.acquire(stream.conversationId)).toBe(true);
    const owned = { fence: stalled.leases.owner };
    await log.append(stream, deltaDrafts(stream, message, 1, 2), owned);

    // The holder stops renewing (a stall past its lease); a peer's sweep takes over.
    await sleep(LEASE_MS + 100);
    expect(await peer.leases.acquire(stream.conversationId)).toBe(true);

    // One transaction: the stalled daemon's fenced append, an unfenced one, and one to
    // another conversation.
    const [late, unfenced, elsewhere] = await Promise.allSettled([
      log.append(stream, deltaDrafts(stream, message, 3, 2), owned),
      log.append(stream, deltaDrafts(stream, newMessageId(), 1, 1)),
      log.append(other, deltaDrafts(other, newMessageId(), 1, 1), owned),
    ]);
    expect(late.status).toBe('rejected');
    expect((late as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
    expect(unfenced.status).toBe('fulfilled');
    // A conversation with no lease row is nobody's to write under a fence.
    expect(elsewhere.status).toBe('rejected');

    // The new holder writes; the stored events are the first two and the unfenced one.
    await log.append(stream, deltaDrafts(stream, message, 3, 1), { fence: peer.leases.owner });
    const stored = await readAll(log, stream);
    expect(stored.map((event) => [event.offset, event.seq])).toEqual([
      [1, 1],
      [2, 2],
      [3, 1],
      [4, 3],
    ]);
  });

  it('makes a takeover wait for a fenced append in flight, so the new holder reads its events', async () => {
    const stream = newConversationStream();
    const message = newMessageId();
    expect(await stalled.leases.acquire(stream.conversationId)).toBe(true);
    await sleep(LEASE_MS + 100);
    // The lease lapsed but nobody took it over: its holder may still write. A takeover
    // racing that write either waits for it (and then reads it) or refuses it: what the
    // new holder reads right after taking over is all there will ever be of it.
    // Settled into a boolean at once: refused, it must not reject with nobody listening yet.
    const written = log.append(stream, deltaDrafts(stream, message, 1, 2000), { fence: stalled.leases.owner }).then(
      () => true,
      () => false,
    );
    await sleep(5);
    expect(await peer.leases.acquire(stream.conversationId)).toBe(true);
    const seenByNewHolder = (await readAll(log, stream)).length;
    expect(seenByNewHolder).toBe((await written) ? 2000 : 0);
    expect(await readAll(log, stream)).toHaveLength(seenByNewHolder);
  });
});
