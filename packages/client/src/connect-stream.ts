import type { MessageStore } from '@once/core';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { type ConnectionStateSource, createConnectionStateStore } from './connection-state.ts';
import { conversationTarget } from './conversation-target.ts';
import { isRetryable } from './is-retryable.ts';
import { type NetworkEvents, watchNetworkStatus } from './network-status.ts';
import type { AttemptEnd, StreamTarget } from './stream-target.ts';
import { sleep, systemTimers, type Timers } from './timers.ts';
import type { Transport, TransportItem } from './transport.ts';
import { startWatchdog } from './watchdog.ts';

/** What {@link connectStream} keeps in step: a conversation's store, or any other {@link StreamTarget}. */
export type ConnectStreamOptions = ConnectStreamSettings &
  (
    | {
        /** The store every event goes through; its conversation is the one followed. Never cleared. */
        readonly store: MessageStore;
      }
    | {
        /** The state followed, e.g. an account's conversation list. */
        readonly target: StreamTarget;
      }
  );

/** Options of {@link connectStream} shared by every kind of stream. */
export interface ConnectStreamSettings {
  readonly transport: Transport;
  /** Default: the platform's timers. */
  readonly timers?: Timers;
  /** A number in [0, 1) for backoff jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Reconnect delays; see {@link backoffDelay}. */
  readonly backoff?: BackoffOptions;
  /**
   * The daemon's heartbeat interval in milliseconds. A stream silent for twice as long is
   * dropped and reopened, at most half an interval later (the watchdog checks every half
   * interval; see {@link startWatchdog}). Default 15,000 (the daemon's default).
   */
  readonly heartbeatMs?: number;
  /** Source of `online`/`offline` events. Default: `globalThis` when it has `addEventListener`. */
  readonly network?: NetworkEvents;
}

/** A running connection; see {@link connectStream}. */
export interface StreamConnection {
  readonly state: ConnectionStateSource;
  /** Stops for good: aborts the open request, cancels timers, removes listeners. */
  close(): void;
  /** Settles once the loop has stopped (after `close()` or a permanent error). */
  readonly done: Promise<void>;
}

/**
 * Keeps a store in step with its conversation's stream (or any {@link StreamTarget} with
 * its stream, such as the account's conversation list), exactly once:
 *
 *   connecting ──ready──► live ──stream lost / silent / gap──► reconnecting ──ready──► live
 *       │                  │                                      │
 *       └───── offline ────┴──────────────► offline ◄─────────────┘
 *                                             └──online──► reconnecting
 *   (any) ──close() or a permanent error──► closed
 *
 * Each attempt: fetch the snapshot when the store needs one (first, after `reset`, after a
 * `sequence_gap`) and `store.reset` onto it — the store is never cleared, optimistic
 * messages are kept by core — then follow the events after the store's offset. Every
 * event goes through the store, which drops duplicates and refuses gaps; a refused event
 * ends the attempt: an `offset_gap` resumes after the store's offset, a `sequence_gap`
 * refetches the snapshot. An attempt that advanced the store or reached `ready` is
 * followed at once; one that made no progress waits an exponential, jittered backoff.
 */
export function connectStream(options: ConnectStreamOptions): StreamConnection {
  const target = 'target' in options ? options.target : conversationTarget(options.transport, options.store);
  const { transport } = options;
  const timers = options.timers ?? systemTimers;
  const random = options.random ?? Math.random;
  const silenceMs = 2 * (options.heartbeatMs ?? 15_000);
  const state = createConnectionStateStore();
  const closing = new AbortController();
  let attempt: AbortController | undefined;
  let wake = new AbortController();
  let everLive = false;

  const network = watchNetworkStatus((online) => {
    if (!online) attempt?.abort(new Error('The network went offline.'));
    wake.abort();
  }, options.network);

  /** Runs one attempt; returns what the next one needs, or throws what stopped it. */
  const follow = async (signal: AbortSignal, plan: { needsSnapshot: boolean }, progress: { made: boolean }) => {
    const watchdog = startWatchdog(timers, silenceMs, () => attempt?.abort(silence(silenceMs)));
    try {
      if (plan.needsSnapshot) {
        await target.refetch(signal);
        plan.needsSnapshot = false;
        watchdog.kick();
      }
      const afterOffset = target.offset();
      target.following?.(afterOffset);
      for await (const item of transport.events(target.stream, afterOffset, signal)) {
        watchdog.kick();
        const end = handle(item, progress);
        if (end !== undefined) return end;
      }
      return 'resume';
    } finally {
      watchdog.stop();
    }
  };

  const handle = (item: TransportItem, progress: { made: boolean }): AttemptEnd | undefined => {
    switch (item.kind) {
      case 'heartbeat':
        // Like `ready`: the server wrote up to `sent` on this connection; holding less
        // means an event was lost on the way, even if no other event ever follows it.
        return item.sent !== undefined && target.offset() < item.sent ? 'resume' : undefined;
      case 'ready':
        // `ready` says everything up to its offset was sent: holding less means an event
        // was lost on the way, which no later event may reveal on a quiet stream.
        if (target.offset() < item.offset) return 'resume';
        progress.made = true;
        everLive = true;
        state.update({ status: 'live', failures: 0 });
        return undefined;
      case 'reset':
        return 'refetch';
      case 'event': {
        const outcome = target.apply(item.event);
        if (outcome.advanced) progress.made = true;
        return outcome.end;
      }
      case 'events':
        // Each event as if it came alone: the first refused one ends the attempt, and the
        // events after it are never applied, exactly as if they had not arrived.
        for (const event of item.events) {
          const outcome = target.apply(event);
          if (outcome.advanced) progress.made = true;
          if (outcome.end !== undefined) return outcome.end;
        }
        return undefined;
    }
  };

  /** Waits `milliseconds` (or until woken when undefined); a network change or `close()` ends it early. */
  const pause = async (milliseconds: number | undefined) => {
    const signal = AbortSignal.any([closing.signal, wake.signal]);
    await (milliseconds === undefined ? aborted(signal) : sleep(timers, milliseconds, signal));
    if (wake.signal.aborted) wake = new AbortController();
  };

  const run = async () => {
    const plan = { needsSnapshot: true };
    while (!closing.signal.aborted) {
      if (!network.online) {
        state.update({ status: 'offline' });
        await pause(undefined);
        continue;
      }
      const controller = new AbortController();
      attempt = controller;
      const signal = AbortSignal.any([closing.signal, controller.signal]);
      const progress = { made: false };
      try {
        plan.needsSnapshot = (await follow(signal, plan, progress)) === 'refetch';
      } catch (error) {
        if (closing.signal.aborted) break;
        state.update({ lastError: controller.signal.aborted ? controller.signal.reason : error });
        if (!controller.signal.aborted && !isRetryable(error)) break;
      } finally {
        controller.abort();
      }
      if (closing.signal.aborted || !network.online) continue;
      const failures = progress.made ? 0 : state.getSnapshot().failures + 1;
      state.update({ status: everLive ? 'reconnecting' : 'connecting', failures });
      if (failures > 0) await pause(backoffDelay(failures - 1, options.backoff ?? {}, random));
    }
  };

  const close = () => {
    closing.abort();
    network.stop();
  };
  const done = run()
    .catch((error: unknown) => state.update({ lastError: error }))
    .finally(() => {
      close();
      state.update({ status: 'closed' });
    });

  return { state, close, done };
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function silence(silenceMs: number): Error {
  return new Error(`No bytes for ${silenceMs} ms (two heartbeat intervals); reconnecting.`);
}
