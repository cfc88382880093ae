import type { ConversationLeases } from './conversation-leases.ts';
import { createKeyedLock, type KeyedLock } from './keyed-lock.ts';
import { createLocalTurnCommands, type TurnCommands } from './turn-commands.ts';

/**
 * What daemons sharing one log agree on before they run turns: who runs each
 * conversation's turns (leases), one send at a time per conversation (so that the same
 * clientMessageId sent to two daemons at once is stored once), and a way to reach the
 * daemon running a turn (cancel, approvals).
 */
export interface TurnCoordination {
  readonly leases: ConversationLeases;
  /** Runs sends of one conversation one at a time across every daemon of the log. */
  readonly sendLock: KeyedLock;
  /** Cancels and approval decisions, delivered to the daemon running the turn. */
  readonly commands: TurnCommands;
  /** Releases what the coordination holds open (connections); leases are released before. */
  close(): Promise<void>;
}

/**
 * Coordination for a log only this process writes (SQLite: one writer per file): every
 * lease is granted at once and never lapses, sends take turns in memory, and commands
 * reach this process's own handlers.
 */
export function createLocalTurnCoordination(): TurnCoordination {
  const leases: ConversationLeases = {
    owner: 'local',
    ttlMs: Number.POSITIVE_INFINITY,
    acquire: async () => true,
    renew: async (conversationIds) => new Set(conversationIds),
    release: async () => {},
    lapsed: async () => [],
  };
  return { leases, sendLock: createKeyedLock(), commands: createLocalTurnCommands(), close: async () => {} };
}
