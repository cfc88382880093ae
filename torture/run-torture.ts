import { setTimeout as sleep } from 'node:timers/promises';
import { type ConversationClient, createClient } from '@once/client';
import type { ConversationState } from '@once/core';
import type { IncomingEvent } from '@once/protocol';
import { createDaemonClient, type DaemonProcess, type SnapshotResponse } from '@once/testing';
import { startChaosProxy } from './chaos-proxy.ts';
import { checkConversation, type Violation } from './check-conversation.ts';
import { readAllEvents, readSnapshot } from './daemon-reads.ts';
import { type FaultCounts, type FaultLog, runFaults } from './fault-schedule.ts';
import type { RegenerateRequest } from './regenerate-answer.ts';
import { seededRandom } from './seeded-random.ts';
import { startTortureDaemons, type TortureLog } from './start-daemons.ts';
import { runUser } from './torture-user.ts';

/** Options of {@link runTorture}. */
export interface TortureOptions {
  readonly seed: number;
  /** How long faults are injected, in seconds; then the run settles and is checked. */
  readonly durationSeconds: number;
  /** Conversations streaming at once. Default 8. */
  readonly conversations?: number;
  /** One SQLite daemon (default) or three daemons sharing PostgreSQL. */
  readonly store?: TortureLog;
  /** Progress lines (faults, phases); default: nowhere. */
  readonly log?: (line: string) => void;
}

/** What a run did and found. */
export interface TortureReport {
  readonly seed: number;
  /** Which daemons ran: "one SQLite daemon", "three daemons sharing PostgreSQL". */
  readonly daemons: string;
  readonly durationSeconds: number;
  readonly faults: FaultCounts;
  /** What the proxy did to the bytes. */
  readonly network: { splits: number; delays: number; stalls: number; cuts: number };
  readonly conversations: number;
  readonly userMessages: number;
  /**
   * Regenerates the users asked for, by how they ended (accepted, refused with 409 while a
   * turn ran, failed for good), and how many times one was sent again because its answer
   * was slow to show.
   */
  readonly regenerates: { asked: number; accepted: number; refused: number; failed: number; resent: number };
  /** Branch switches the users asked for, and how many the daemon refused with 409 while a turn ran. */
  readonly switches: { asked: number; refused: number };
  readonly events: number;
  /** Times a stalling consumer fell behind its buffer and was handed the whole state. */
  readonly consumerOverflows: number;
  readonly violations: readonly Violation[];
  readonly faultLog: FaultLog;
  /** The daemons' log lines that name a conversation with a violation (at most 60), by daemon port. */
  readonly daemonLogs: readonly string[];
}

/** Heartbeats every second, so a frozen daemon is noticed within two. */
const HEARTBEAT_MS = 1000;
/** How long the run may take to settle once faults stop, before it counts as stuck. */
const SETTLE_MS = 90_000;

/**
 * One torture run, on one SQLite daemon or three sharing PostgreSQL: simulated users chat in many conversations
 * through a proxy that splits, delays and stalls bytes, while the daemon is killed,
 * frozen and cut off at random. Then the faults stop, everything settles, and every
 * conversation is checked (see {@link checkConversation}). Reproducible from `seed` as far
 * as timing allows: the same faults in the same order at the same moments.
 */
export async function runTorture(options: TortureOptions): Promise<TortureReport> {
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  await using started = await startTortureDaemons(options.store ?? 'sqlite', HEARTBEAT_MS);
  const { daemons } = started;
  const daemon = daemons[0] as DaemonProcess;
  // Each connection goes to any of the daemons: on PostgreSQL, a client's stream, its sends
  // and its conversation's turn are often on three different daemons.
  const pickDaemon = random.fork();
  await using proxy = await startChaosProxy(
    () => ({ host: '127.0.0.1', port: pickDaemon.pick(daemons).port }),
    random.fork(),
  );
  const api = createDaemonClient(daemon.url);
  const client = createClient({
    baseUrl: proxy.url,
    heartbeatMs: HEARTBEAT_MS,
    backoff: { initialMs: 50, maxMs: 1000 },
    sendAttempts: 30,
    random: random.fork().next,
  });

  const count = options.conversations ?? 8;
  const ids = await Promise.all(Array.from({ length: count }, () => api.createConversation()));
  const until = Date.now() + options.durationSeconds * 1000;
  const conversations = ids.map((id) => client.conversation(id));
  const users = conversations.map((conversation, index) =>
    runUser({
      conversation,
      random: random.fork(),
      done: () => Date.now() >= until,
      stallingConsumer: index % 2 === 0,
    }),
  );
  const faultLog: FaultLog = [];
  log(`seed ${options.seed}: ${count} conversations for ${options.durationSeconds} s on ${started.label}`);
  let faults: FaultCounts;
  try {
    faults = await runFaults(daemons, proxy, random.fork(), until, faultLog, { long: options.store === 'postgres' });
  } catch (error) {
    client.close();
    throw new Error(
      `seed ${options.seed}: a fault could not be injected or undone: ${(error as Error).message}\nfault log until then:\n${faultLog.join('\n')}`,
      { cause: error },
    );
  }
  for (const line of faultLog) log(line);
  proxy.calm();
  await Promise.all(users.map((user) => user.finished));
  log('faults stopped; settling');

  const violations: Violation[] = [];
  let events = 0;
  const settleBy = Date.now() + SETTLE_MS;
  for (const [index, conversation] of conversations.entries()) {
    const record = users[index]?.record;
    if (record === undefined) continue;
    const { snapshot, events: all } = await settled(daemon, conversation.conversationId, settleBy).catch(
      (error: unknown) => {
        client.close();
        throw new Error(
          `seed ${options.seed}: reading conversation ${conversation.conversationId} back from :${daemon.port} failed after the faults: ${(error as Error).message}\n${lastLogLines(daemons)}`,
          { cause: error },
        );
      },
    );
    events += all.length;
    const state = await caughtUp(conversation, snapshot.offset, settleBy);
    violations.push(
      ...checkConversation({
        record,
        events: all,
        snapshot,
        client: { offset: state.offset, messages: state.messages, leafId: state.leafId, pending: state.pending.length },
        stalled: await record.stalledView(settleBy),
      }),
    );
  }
  client.close();
  const broken = [...new Set(violations.map((violation) => violation.conversationId))];
  const daemonLogs = daemons
    .flatMap((each) =>
      each
        .logs()
        .split('\n')
        .filter((line) => broken.some((id) => line.includes(id)))
        .map((line) => `:${each.port} ${line}`),
    )
    .slice(0, 60);
  return {
    daemonLogs,
    seed: options.seed,
    daemons: started.label,
    durationSeconds: options.durationSeconds,
    faults,
    network: { ...proxy.counts },
    conversations: count,
    userMessages: users.reduce((sum, user) => sum + user.record.sends.length, 0),
    regenerates: countRegenerates(users.flatMap((user) => user.record.regenerates)),
    switches: {
      asked: users.reduce((sum, user) => sum + user.record.switches.length, 0),
      refused: users.reduce(
        (sum, user) => sum + user.record.switches.filter((change) => change.outcome === 'refused').length,
        0,
      ),
    },
    events,
    consumerOverflows: users.reduce((sum, user) => sum + user.record.overflows, 0),
    violations,
    faultLog,
  };
}

/**
 * The conversation once it has settled (or as it is at `by`): no turn runs, every user
 * message has had its turn start, the snapshot is at the log's last event, and nothing
 * moves for half a second (on PostgreSQL a queued message's turn may start on another
 * daemon a moment after the last one ended).
 */
export async function settled(
  daemon: DaemonProcess,
  conversationId: string,
  by: number,
): Promise<{ snapshot: SnapshotResponse; events: IncomingEvent[] }> {
  let previous = -1;
  for (;;) {
    const snapshot = await readSnapshot(daemon, conversationId);
    const events = await readAllEvents(daemon, conversationId);
    const answered = new Set(
      events
        .filter((event) => event.type === 'turn_start')
        .map((event) => (event.data as { userMessageId?: string }).userMessageId),
    );
    const quiet =
      snapshot.activeTurn === undefined &&
      snapshot.offset === events.length &&
      snapshot.messages.every((message) => message.role !== 'user' || answered.has(message.id));
    if ((quiet && snapshot.offset === previous) || Date.now() >= by) return { snapshot, events };
    previous = quiet ? snapshot.offset : -1;
    await sleep(500);
  }
}

function countRegenerates(requests: readonly RegenerateRequest[]): TortureReport['regenerates'] {
  const ended = (outcome: RegenerateRequest['outcome']) =>
    requests.filter((request) => request.outcome === outcome).length;
  return {
    asked: requests.length,
    accepted: ended('accepted'),
    refused: ended('refused'),
    failed: ended('failed') + ended('rejected'),
    resent: requests.reduce((sum, request) => sum + request.resent, 0),
  };
}

/** The last lines each daemon printed, for a failure that names no conversation. */
function lastLogLines(daemons: readonly DaemonProcess[], count = 25): string {
  return daemons
    .map((each) => `last lines of :${each.port}:\n${each.logs().trimEnd().split('\n').slice(-count).join('\n')}`)
    .join('\n');
}

/** The client's state once its store reached `offset` with nothing left pending (or as it is at `by`). */
export async function caughtUp(
  conversation: ConversationClient,
  offset: number,
  by: number,
): Promise<ConversationState> {
  for (;;) {
    const state = conversation.store.getSnapshot();
    if ((state.offset >= offset && state.pending.length === 0) || Date.now() >= by) return state;
    await sleep(50);
  }
}
