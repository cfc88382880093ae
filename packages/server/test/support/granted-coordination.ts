import { createKeyedLock, createLocalTurnCommands, type TurnCoordination } from '@once/log';

/**
 * The coordination of one daemon alone whose leases are always granted and never lapse,
 * recording each lease it gives back in `released`: for service tests that check when a
 * conversation is let go.
 */
export function grantedCoordination(released: string[]): TurnCoordination {
  return {
    leases: {
      owner: 'this-daemon',
      ttlMs: Number.POSITIVE_INFINITY,
      acquire: async () => true,
      renew: async (ids: readonly string[]) => new Set(ids),
      release: async (id: string) => {
        released.push(id);
      },
      lapsed: async () => [],
    },
    sendLock: createKeyedLock(),
    commands: createLocalTurnCommands(),
    close: async () => {},
  };
}
