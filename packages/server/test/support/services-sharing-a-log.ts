import type { EventLog, KeyedLock } from '@once/log';
import { createLocalTurnCommands } from '@once/log';
import type { createInMemoryLeaseTable } from '@once/testing';
import { type ConversationService, createConversationService } from '../../src/index.ts';
import { createFakeTurnRunner } from './fake-turn-runner.ts';

/**
 * `count` conversation services on one log and one lease table, as daemons sharing a
 * database, in one process; each answers with the fake turn runner. `sendLockOf` gives
 * each its send lock: one for all (a database's), or one each (as if every lock lapsed).
 */
export function createServicesSharingALog(
  log: EventLog,
  leases: ReturnType<typeof createInMemoryLeaseTable>,
  count: number,
  sendLockOf: (index: number) => KeyedLock,
): ConversationService[] {
  return Array.from({ length: count }, (_, index) =>
    createConversationService({
      log,
      runTurn: createFakeTurnRunner().run,
      coordination: {
        leases: leases.leasesFor(`daemon-${index}`),
        sendLock: sendLockOf(index),
        commands: createLocalTurnCommands(),
        close: async () => {},
      },
    }),
  );
}
