import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationLeases } from '@once/log';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** What the lease suite needs of an implementation: owners (daemons) sharing one table. */
export interface LeaseTableFixture {
  /** A new owner on the shared table, with leases lasting `ttlMs`. */
  open(ttlMs: number): Promise<ConversationLeases>;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every multi-owner {@link ConversationLeases} implementation must have:
 * one holder at a time, release, expiry and take-over, and renewals that tell a holder
 * it lost a lease. Lapse cases wait for real time (a few hundred ms), since a database's
 * clock cannot be faked.
 */
export function describeConversationLeasesConformance(
  name: string,
  createFixture: () => Promise<LeaseTableFixture>,
): void {
  describe(`ConversationLeases conformance: ${name}`, () => {
    let fixture: LeaseTableFixture;
    beforeEach(async () => {
      fixture = await createFixture();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('grants a free lease to one owner and refuses it to another until it is released', async () => {
      const [a, b] = [await fixture.open(5_000), await fixture.open(5_000)];
      expect(a.owner).not.toBe(b.owner);
      expect(await a.acquire('c1')).toBe(true);
      expect(await b.acquire('c1')).toBe(false);
      expect(await a.acquire('c1')).toBe(true);
      expect(await b.acquire('c2')).toBe(true);
      await b.release('c1'); // not b's: nothing happens
      expect(await b.acquire('c1')).toBe(false);
      await a.release('c1');
      expect(await b.acquire('c1')).toBe(true);
      expect(await a.lapsed()).toEqual([]);
    });

    it('lets another owner take a lease its holder stopped renewing, and tells the holder it lost it', async () => {
      // Leases of 3 s: c1's renewal must still hold when b looks, however slowly a loaded
      // machine (CI's) answers each call; at 300 ms a 100 ms delay made c1 lapse too.
      const [a, b] = [await fixture.open(3000), await fixture.open(3000)];
      expect(await a.acquire('c1')).toBe(true);
      expect(await a.acquire('c2')).toBe(true);
      await sleep(1500);
      expect(await a.renew(['c1'])).toEqual(new Set(['c1']));
      await sleep(2000);
      // c2 lapsed (not renewed for at least 3.5 s); c1 was renewed about 2 s ago.
      expect(await b.lapsed()).toEqual(['c2']);
      expect(await b.acquire('c1')).toBe(false);
      expect(await b.acquire('c2')).toBe(true);
      expect(await a.renew(['c1', 'c2'])).toEqual(new Set(['c1']));
      expect(await b.lapsed()).toEqual([]);
    }, 30_000);

    it('gives a lease to exactly one of several owners taking it at once', async () => {
      const owners = await Promise.all(Array.from({ length: 4 }, () => fixture.open(5_000)));
      await fc.assert(
        fc.asyncProperty(
          fc.uuid(),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 8 }),
          async (conversationId, callers) => {
            const granted = await Promise.all(callers.map((index) => owners[index]?.acquire(conversationId)));
            // Several calls by the same owner may all succeed: it holds the lease once.
            const winners = new Set(callers.filter((_, call) => granted[call]));
            expect(winners.size).toBe(1);
          },
        ),
        { numRuns: 25 },
      );
    });
  });
}
