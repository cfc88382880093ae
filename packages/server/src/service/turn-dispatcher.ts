import type { ConversationState } from '@once/core';
import { type CommitListener, type ConversationLeases, createKeyedLock } from '@once/log';
import { type ConversationId, isOnceError, type TurnId } from '@once/protocol';
import { answerFailedTurn, leftNoTrace } from './failed-turn-answer.ts';
import { createLeaseUpkeep } from './lease-upkeep.ts';
import { recoverConversation } from './recover-conversation.ts';
import { createTurnScheduler, type QueuedTurn, type TurnSchedulerOptions } from './turn-scheduler.ts';
import { unansweredTurns } from './unanswered-turns.ts';
import { isUnfoldable } from './unfoldable-conversation.ts';

/** What waking a conversation did on this daemon. */
export interface WakeResult {
  /** Messages a stopped daemon left streaming, now ended `interrupted`. */
  readonly interrupted: number;
  /** Unanswered user messages queued here to be answered. */
  readonly queued: number;
}

/**
 * Runs a conversation's turns on this daemon only while it holds the conversation's lease
 * (see {@link ConversationLeases}). The turns to run are read from the log, not from this
 * daemon's memory: every user message without an answer, in log order, whichever daemon
 * stored it.
 *
 *   not held ──wake or reserve: lease granted──► held: recover what a dead owner left
 *      ▲                                                open, queue the unanswered turns
 *      │                                                     │ turns run; a commit by another
 *      │                                                     │ daemon queues its new messages
 *      └──── last turn ended, nothing unanswered ────────────┘ (release, then look again)
 *      └──── renewal finds the lease taken over ─────────────┘ (stop the turn: it ends interrupted)
 *      └──── shutdown ───────────────────────────────────────┘ (release, or let lapse when
 *                                                                messages wait)
 */
export interface TurnDispatcher {
  /**
   * Looks for work in the conversation (after a send, at start-up, when its lease lapsed):
   * when this daemon holds or gets the lease, it ends what a dead owner left open and
   * queues the unanswered turns; otherwise the live owner will answer them.
   */
  wake(conversationId: ConversationId): Promise<WakeResult>;
  /**
   * Takes the conversation's lease, when nobody live holds it, before a send stores a
   * message there: should this daemon die before answering, the lease lapses and a live
   * daemon answers. The send must call {@link wake} afterwards, stored or not, which
   * queues the message or gives the lease back.
   */
  reserve(conversationId: ConversationId): Promise<void>;
  /**
   * Queues a turn the log does not derive (a regenerate turn, decision 022) on this
   * daemon, taking the conversation's lease first. @returns false, queuing nothing, when
   * another live daemon holds the lease (it runs a turn there) or this one is stopping.
   */
  enqueue(conversationId: ConversationId, turn: QueuedTurn): Promise<boolean>;
  /** Turns queued or running on this daemon in the conversation. */
  pending(conversationId: ConversationId): number;
  /** Cancels the turn running on this daemon, if any. @returns the cancelled turn's id. */
  cancel(conversationId: ConversationId): TurnId | undefined;
  /** The turn running on this daemon in the conversation, if any. */
  running(conversationId: ConversationId): TurnId | undefined;
  /** Whether this daemon holds the conversation's lease: it alone runs its turns now. */
  holds(conversationId: ConversationId): boolean;
  /** Drops the conversation's queued turns on this daemon and cancels its running one. */
  discard(conversationId: ConversationId): void;
  /**
   * Starts renewing held leases, taking over lapsed ones (a dead daemon's) and picking up
   * messages other daemons store in conversations held here. Idempotent.
   */
  start(): void;
  /**
   * Stops running turns (they end `interrupted`) and the timers; releases the leases of
   * conversations left with nothing unanswered. The others' leases lapse, and a live
   * daemon takes them over and answers.
   */
  shutdown(): Promise<void>;
}

/** Options of {@link createTurnDispatcher}. */
export interface TurnDispatcherOptions extends Omit<TurnSchedulerOptions, 'onIdle' | 'onError'> {
  readonly leases: ConversationLeases;
  /** The conversation's state folded up to the log's head. */
  readonly current: (conversationId: ConversationId) => Promise<ConversationState>;
  /** Registers a commit listener on the log; returns the function that unregisters it. */
  readonly onCommit: (listener: CommitListener) => () => void;
  readonly now: () => Date;
  /** Errors of work nobody awaits: a failed turn, renewal or sweep. */
  readonly onError: (error: unknown) => void;
}

/** A lease this daemon holds, with the turns it queued while holding it. */
interface Hold {
  readonly queued: Set<string>;
  /** Turns of `queued` whose runner threw, by turn id. */
  readonly failed: Map<string, QueuedTurn>;
}

const NOTHING: WakeResult = { interrupted: 0, queued: 0 };
/** First wait, in ms, before closing again what a turn left open when the storage refused its writes; it doubles up to the most. */
const RECOVERY_RETRY_MS = 500;
const RECOVERY_RETRY_MAX_MS = 30_000;

/** Whether a conversation holds a streaming message or a running turn, with no turn running here. */
function leftOpen(state: ConversationState): boolean {
  return state.activeTurn !== undefined || state.messages.some((message) => message.status === 'streaming');
}

/** The storage refused a write (full disk, read-only file system); it may take writes again later. */
function isStorageError(error: unknown): boolean {
  return isOnceError(error) && (error.code === 'storage_full' || error.code === 'storage_read_only');
}

export function createTurnDispatcher(options: TurnDispatcherOptions): TurnDispatcher {
  const { leases, onError } = options;
  const held = new Map<string, Hold>();
  // Wakes, settling and releases of one conversation take turns on this daemon.
  const serial = createKeyedLock();
  /** Retries of recovery after the storage refused a write. */
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: (() => void) | undefined;
  let stopping = false;

  const scheduler = createTurnScheduler({
    ...options,
    onError: (error, turn, conversationId) => {
      held.get(conversationId)?.failed.set(turn.turnId, turn);
      onError(error);
    },
    onIdle: (conversationId) => void settle(conversationId).catch((error) => retryRecovery(conversationId, error)),
  });

  /**
   * A turn whose writes the storage refused (a full disk) leaves its message streaming;
   * so does its recovery while the storage still refuses. Tries again, backing off, until
   * a write succeeds and the message is closed as recovery closes it (`interrupted`).
   */
  const retryRecovery = (conversationId: ConversationId, error: unknown, delayMs = RECOVERY_RETRY_MS) => {
    onError(error);
    if (stopping || !isStorageError(error)) return;
    const timer = setTimeout(() => {
      timers.splice(timers.indexOf(timer), 1);
      wake(conversationId).catch((next: unknown) =>
        retryRecovery(conversationId, next, Math.min(delayMs * 2, RECOVERY_RETRY_MAX_MS)),
      );
    }, delayMs);
    timer.unref();
    timers.push(timer);
  };

  /** Queues the unanswered turns not queued before under this hold; returns how many. */
  const queueUnanswered = (conversationId: ConversationId, state: ConversationState, hold: Hold): number => {
    if (stopping || isUnfoldable(state)) return 0;
    let count = 0;
    for (const turn of unansweredTurns(state)) {
      if (hold.queued.has(turn.turnId)) continue;
      hold.queued.add(turn.turnId);
      scheduler.enqueue(conversationId, turn);
      count += 1;
    }
    return count;
  };

  const letGo = async (conversationId: ConversationId) => {
    held.delete(conversationId);
    await leases.release(conversationId);
  };

  /**
   * Releases the lease, then reads the conversation once more: a send through another
   * daemon that found the lease still taken left its message to the holder, and nobody
   * holds the lease now. @returns whether such a message waits (not one this hold queued).
   */
  const releaseAndLook = async (conversationId: ConversationId, hold: Hold): Promise<boolean> => {
    await letGo(conversationId);
    if (stopping) return false;
    const state = await options.current(conversationId);
    return !isUnfoldable(state) && unansweredTurns(state).some((turn) => !hold.queued.has(turn.turnId));
  };

  /**
   * Takes the lease if it can and queues what is unanswered. With nothing to run, gives the
   * lease back, unless `keep` (a send is about to store a message here).
   * @returns what it did, and whether to look again (see {@link releaseAndLook}).
   */
  const claim = (conversationId: ConversationId, keep: boolean) =>
    serial.run(conversationId, async (): Promise<{ result: WakeResult; again: boolean }> => {
      if (stopping) return { result: NOTHING, again: false };
      const known = held.get(conversationId);
      if (known !== undefined) {
        if (keep) return { result: NOTHING, again: false };
        const queued = queueUnanswered(conversationId, await options.current(conversationId), known);
        const again = scheduler.pending(conversationId) === 0 && (await releaseAndLook(conversationId, known));
        return { result: { interrupted: 0, queued }, again };
      }
      // A turn stopped after its lease was lost may still be writing its end: not before it finished.
      if (scheduler.pending(conversationId) > 0) return { result: NOTHING, again: false };
      if (!(await leases.acquire(conversationId))) return { result: NOTHING, again: false };
      const hold: Hold = { queued: new Set(), failed: new Map() };
      held.set(conversationId, hold);
      try {
        // Nobody live held the lease, so whatever is open here was left by a daemon that stopped.
        const state = await options.current(conversationId);
        if (isUnfoldable(state)) {
          await letGo(conversationId);
          return { result: NOTHING, again: false };
        }
        const { interrupted } = await recoverConversation(state, options.appendTo(conversationId), options.now);
        const queued = queueUnanswered(conversationId, state, hold);
        const again = !keep && scheduler.pending(conversationId) === 0 && (await releaseAndLook(conversationId, hold));
        return { result: { interrupted, queued }, again };
      } catch (error) {
        held.delete(conversationId);
        // Another daemon took the conversation over while this one recovered it (too slow
        // to renew, on a loaded machine): its writes are fenced out, and the new holder
        // recovers what is open. Not an error of this wake, and not this daemon's lease.
        if (await takenOver(conversationId, error)) return { result: NOTHING, again: false };
        await leases.release(conversationId);
        throw error;
      }
    });

  /** Whether `error` is a write fenced out because another daemon now holds the conversation's lease. */
  const takenOver = async (conversationId: ConversationId, error: unknown): Promise<boolean> =>
    isOnceError(error) && error.code === 'conflict' && !(await leases.renew([conversationId])).has(conversationId);

  const wake = async (conversationId: ConversationId): Promise<WakeResult> => {
    const { result, again } = await claim(conversationId, false);
    if (!again) return result;
    const next = await wake(conversationId);
    return { interrupted: result.interrupted + next.interrupted, queued: result.queued + next.queued };
  };

  /** After the conversation's last queued turn ended: keep answering, or release the lease. */
  const settle = async (conversationId: ConversationId) => {
    const again = await serial.run(conversationId, async () => {
      const hold = held.get(conversationId);
      if (stopping || scheduler.pending(conversationId) > 0) return false;
      // The lease was taken over while the turn ran. A wake of this daemon put off until the
      // turn finished (a message sent through it meanwhile) is owed now: its new holder may
      // have let the conversation go since.
      if (hold === undefined) return true;
      const state = await options.current(conversationId);
      if (isUnfoldable(state)) {
        await letGo(conversationId);
        return false;
      }
      if (leftOpen(state)) {
        // Its turn ended without closing it (its writes failed): the wake below recovers it.
        await letGo(conversationId);
        return true;
      }
      if (queueUnanswered(conversationId, state, hold) > 0) return false;
      // A turn whose runner threw and left no trace, a send's or a regenerate's: it failed
      // before it wrote anything.
      for (const turn of hold.failed.values()) {
        if (leftNoTrace(state, turn))
          await answerFailedTurn(conversationId, turn, options.appendTo(conversationId), options.now);
        hold.failed.delete(turn.turnId);
      }
      return releaseAndLook(conversationId, hold);
    });
    if (again) await wake(conversationId);
  };

  const upkeep = createLeaseUpkeep({
    leases,
    held,
    // Another daemon took the conversation over (this one stalled past the lease): stop writing there.
    onLost: (conversationId) => {
      held.delete(conversationId);
      scheduler.stop(conversationId as ConversationId);
    },
    onLapsed: (conversationId) => wake(conversationId as ConversationId),
    onError,
  });

  return {
    wake,
    async reserve(conversationId) {
      await claim(conversationId, true);
    },
    async enqueue(conversationId, turn) {
      await claim(conversationId, true);
      return serial.run(conversationId, async () => {
        const hold = held.get(conversationId);
        if (hold === undefined || stopping) return false;
        hold.queued.add(turn.turnId);
        scheduler.enqueue(conversationId, turn);
        return true;
      });
    },
    pending: (conversationId) => scheduler.pending(conversationId),
    cancel: (conversationId) => scheduler.cancel(conversationId),
    running: (conversationId) => scheduler.running(conversationId),
    holds: (conversationId) => held.has(conversationId),
    discard: (conversationId) => scheduler.discard(conversationId),
    start() {
      if (unsubscribe !== undefined || stopping) return;
      // Another daemon's commit (it carries no entries) in a conversation held here is a
      // message sent through it: answer it in order with the others.
      unsubscribe = options.onCommit((notice) => {
        if (notice.stream.stream !== 'conversation' || notice.entries !== undefined) return;
        const conversationId = notice.stream.conversationId as ConversationId;
        if (held.has(conversationId)) wake(conversationId).catch(onError);
      });
      upkeep.start();
    },
    async shutdown() {
      stopping = true;
      upkeep.stop();
      for (const timer of timers) clearTimeout(timer);
      unsubscribe?.();
      await scheduler.shutdown();
      await Promise.allSettled(
        [...held.keys()].map((conversationId) =>
          serial.run(conversationId, async () => {
            // Messages still unanswered (their turns were dropped): keep the lease and let it
            // lapse, so that a live daemon's sweep takes the conversation over and answers them.
            const state = await options.current(conversationId as ConversationId);
            if (!isUnfoldable(state) && unansweredTurns(state).length > 0) held.delete(conversationId);
            else await letGo(conversationId as ConversationId);
          }),
        ),
      );
    },
  };
}
