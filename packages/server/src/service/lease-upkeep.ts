import type { ConversationLeases } from '@once/log';

/** Options of {@link createLeaseUpkeep}. */
export interface LeaseUpkeepOptions<Hold> {
  readonly leases: ConversationLeases;
  /** The leases this daemon holds, by conversation; a new hold is a new object. */
  readonly held: ReadonlyMap<string, Hold>;
  /** The lease of `hold` was taken over by another daemon (this one stalled past it). */
  readonly onLost: (conversationId: string, hold: Hold) => void;
  /** Nobody renewed the conversation's lease (its daemon died): look for work there. */
  readonly onLapsed: (conversationId: string) => Promise<unknown>;
  /** Errors of a renewal or sweep. */
  readonly onError: (error: unknown) => void;
}

/** Renewing and sweeping of a daemon's conversation leases, from `start()` until `stop()`. */
export interface LeaseUpkeep {
  /** Starts renewing and sweeping; call once. */
  start(): void;
  /** Stops both; a renewal or sweep in progress finishes on its own. */
  stop(): void;
}

/**
 * Keeps a daemon's conversation leases: renews the held ones every third of the lease,
 * and every half looks for lapsed ones (a dead daemon's) not held here. Leases that
 * never lapse (an infinite `ttlMs`) need neither, and nothing is started. Create it when
 * the daemon may first take a lease: a failed renewal counts the lease from then.
 */
export function createLeaseUpkeep<Hold>(options: LeaseUpkeepOptions<Hold>): LeaseUpkeep {
  const { leases, held, onError } = options;
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  /** When the leases held were last known to be held, on this process's monotonic clock. */
  let renewedAt = performance.now();
  const renew = async () => {
    const holds = [...held.entries()];
    // The lease runs from when the database renewed it, after this: count from here.
    const startedAt = performance.now();
    let kept: ReadonlySet<string>;
    try {
      kept = holds.length === 0 ? new Set() : await leases.renew(holds.map(([conversationId]) => conversationId));
    } catch (error) {
      // Unable to renew for a whole lease: another daemon may own these conversations now.
      if (performance.now() - renewedAt >= leases.ttlMs) kept = new Set();
      else throw error;
    }
    renewedAt = startedAt;
    for (const [conversationId, hold] of holds) {
      // A hold released (and maybe taken again) meanwhile is not this renewal's to judge.
      if (kept.has(conversationId) || held.get(conversationId) !== hold) continue;
      options.onLost(conversationId, hold);
    }
  };

  const sweep = async () => {
    for (const conversationId of await leases.lapsed()) {
      if (!held.has(conversationId)) await options.onLapsed(conversationId).catch(onError);
    }
  };

  /** Runs `task` every `intervalMs`, never two runs at once. */
  const every = (intervalMs: number, task: () => Promise<void>) => {
    let running = false;
    const timer = setInterval(() => {
      if (running || stopped) return;
      running = true;
      task()
        .catch(onError)
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    timer.unref();
    timers.push(timer);
  };

  return {
    start() {
      if (!Number.isFinite(leases.ttlMs)) return;
      every(Math.max(1, Math.floor(leases.ttlMs / 3)), renew);
      every(Math.max(1, Math.floor(leases.ttlMs / 2)), sweep);
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
    },
  };
}
