import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ConversationClient, createClient } from '@once/client';
import { createDaemonClient, type DaemonProcess, spawnProcess, startDaemon } from '@once/testing';
import { checkConversation, type Violation } from '../check-conversation.ts';
import { caughtUp, settled } from '../run-torture.ts';
import type { UserRecord } from '../torture-user.ts';
import { type MemorySample, type MemorySummary, sampleMemory, summarizeMemory } from './memory-series.ts';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** How long turns keep running, in seconds; then the run settles and is checked. */
  readonly durationSeconds: number;
  /** Raw SSE connections, spread evenly over the conversations. Default 5,000. */
  readonly connections?: number;
  /** Conversations, each with a turn always running. Default 100. */
  readonly conversations?: number;
  /** The demo model's pause between tokens (`--demo-delay-ms`). Default 20. */
  readonly tokenMs?: number;
  /** About how many tokens an answer has (`--demo-tokens`). Default 60. */
  readonly tokens?: number;
  /** Seconds between memory samples. Default 5. */
  readonly sampleSeconds?: number;
  /** Progress lines; default: nowhere. */
  readonly log?: (line: string) => void;
}

/** What the raw connections saw, summed over all of them. */
export interface StreamTotals {
  readonly connections: number;
  /** Connections whose last offset is their conversation's last offset. */
  readonly caughtUp: number;
  readonly gaps: number;
  readonly repeats: number;
  readonly reconnects: number;
}

/** What a soak did and found. */
export interface SoakReport {
  readonly durationSeconds: number;
  readonly conversations: number;
  readonly turns: number;
  readonly events: number;
  readonly streams: StreamTotals;
  readonly warmUpSeconds: number;
  readonly samples: readonly MemorySample[];
  readonly memory: MemorySummary;
  /**
   * Samples taken once the load stopped and every conversation was checked, the SSE
   * connections still open: an idle process gets a full GC from V8's memory reducer, so
   * the lowest heap here is what the run left retained.
   */
  readonly idle: readonly MemorySample[];
  readonly violations: readonly Violation[];
}

/** How long settling may take once sending stops. */
const SETTLE_MS = 300_000;
/** How long the daemon is watched idle after the checks. */
const IDLE_MS = 40_000;
const PROMPTS = ['Tell me about durable streams.', 'Explain exactly-once delivery.', 'Write a short code sample.'];

/**
 * The soak: one SQLite daemon (a child process) with a turn always running in each
 * conversation, many raw SSE connections following them (another child process), and one
 * SDK client per conversation sending the messages, for the duration, while the daemon's
 * memory is sampled. Then every conversation is checked as the torture run checks it
 * (see `checkConversation`), and every raw connection for gaps, repeats and its last offset.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const count = options.conversations ?? 100;
  const connectionCount = options.connections ?? 5_000;
  const sampleSeconds = options.sampleSeconds ?? 5;
  const flags = ['--demo-delay-ms', String(options.tokenMs ?? 20), '--demo-tokens', String(options.tokens ?? 60)];
  await using daemon = await startDaemon({ flags });
  const api = createDaemonClient(daemon.url);
  const ids = await Promise.all(Array.from({ length: count }, () => api.createConversation()));

  log(`opening ${connectionCount} SSE connections over ${count} conversations`);
  const streams = spawnProcess(
    process.execPath,
    [join(import.meta.dirname, 'sse-connections.ts'), daemon.url, String(connectionCount), ...ids],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  try {
    const lines = createInterface({ input: streams.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
    if ((await lines.next()).value !== 'ready') throw new Error('The SSE connections did not all open.');

    const client = createClient({ baseUrl: daemon.url });
    const conversations = ids.map((id) => client.conversation(id));
    const started = Date.now();
    const until = started + options.durationSeconds * 1000;
    const samples: MemorySample[] = [];
    const sampling = sampleEvery(daemon, started, sampleSeconds * 1000, until, samples);
    log(`soaking for ${options.durationSeconds} s`);
    const users = conversations.map((conversation) => chat(conversation, () => Date.now() >= until));
    await Promise.all([sampling, ...users.map((user) => user.finished)]);
    log('sending stopped; settling and checking');

    const violations: Violation[] = [];
    const heads = new Map<string, number>();
    let events = 0;
    const settleBy = Date.now() + SETTLE_MS;
    for (const [index, conversation] of conversations.entries()) {
      const record = users[index]?.record as UserRecord;
      const end = await settled(daemon, conversation.conversationId, settleBy);
      heads.set(conversation.conversationId, end.snapshot.offset);
      events += end.events.length;
      const state = await caughtUp(conversation, end.snapshot.offset, settleBy);
      violations.push(
        ...checkConversation({
          record,
          events: end.events,
          snapshot: end.snapshot,
          client: {
            offset: state.offset,
            messages: state.messages,
            leafId: state.leafId,
            pending: state.pending.length,
          },
          stalled: undefined,
        }),
      );
    }
    client.close();
    const idle: MemorySample[] = [];
    const idleFrom = Date.now();
    await sampleEvery(daemon, idleFrom, sampleSeconds * 1000, idleFrom + IDLE_MS, idle);
    const totals = await checkStreams(streams, lines, heads, violations, settleBy);
    const warmUpSeconds = Math.min(120, options.durationSeconds / 4);
    return {
      durationSeconds: options.durationSeconds,
      conversations: count,
      turns: users.reduce((sum, user) => sum + user.record.sends.length, 0),
      events,
      streams: totals,
      warmUpSeconds,
      samples,
      memory: summarizeMemory(samples, warmUpSeconds),
      idle,
      violations,
    };
  } finally {
    streams.kill('SIGKILL');
  }
}

/** Samples the daemon's memory every `everyMs` until `until`. */
async function sampleEvery(
  daemon: DaemonProcess,
  started: number,
  everyMs: number,
  until: number,
  samples: MemorySample[],
): Promise<void> {
  for (let next = started; next <= until; next += everyMs) {
    await sleep(Math.max(0, next - Date.now()));
    samples.push(await sampleMemory(daemon.pid, `${daemon.url}/metrics`, (Date.now() - started) / 1000));
  }
}

/** One user keeping a turn running: sends, waits for the answer to end, sends again, until `done()`. */
function chat(conversation: ConversationClient, done: () => boolean): { record: UserRecord; finished: Promise<void> } {
  const sends: UserRecord['sends'] = [];
  const answered = () =>
    conversation.store
      .getSnapshot()
      .messages.filter((message) => message.role === 'assistant' && message.status !== 'streaming').length;
  const finished = (async () => {
    while (!done()) {
      const entry = {
        clientMessageId: crypto.randomUUID(),
        outcome: 'pending' as UserRecord['sends'][number]['outcome'],
      };
      sends.push(entry);
      try {
        await conversation.send(PROMPTS[sends.length % PROMPTS.length] as string, {
          clientMessageId: entry.clientMessageId,
        });
        entry.outcome = 'accepted';
      } catch {
        entry.outcome = 'failed';
        continue;
      }
      await until(conversation, () => answered() >= sends.length);
    }
  })();
  return {
    record: {
      conversationId: conversation.conversationId,
      sends,
      regenerates: [],
      switches: [],
      stalledView: async () => undefined,
      overflows: 0,
    },
    finished,
  };
}

/** Resolves once `condition()` holds, checked after each change of the conversation's store. */
function until(conversation: ConversationClient, condition: () => boolean): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = conversation.store.subscribe(() => {
      if (!condition()) return;
      unsubscribe();
      resolve();
    });
  });
}

/** Waits until the raw connections are all at their conversation's last offset (or `by`), then checks each. */
async function checkStreams(
  streams: ChildProcess,
  lines: AsyncIterator<string>,
  heads: ReadonlyMap<string, number>,
  violations: Violation[],
  by: number,
): Promise<StreamTotals> {
  type Seen = { conversationId: string; last: number; gaps: number; repeats: number; reconnects: number };
  let seen: Seen[] = [];
  for (;;) {
    streams.stdin?.write('report\n');
    seen = JSON.parse((await lines.next()).value as string) as Seen[];
    if (seen.every((each) => each.last === heads.get(each.conversationId)) || Date.now() >= by) break;
    await sleep(500);
  }
  const totals = { connections: seen.length, caughtUp: 0, gaps: 0, repeats: 0, reconnects: 0 };
  for (const each of seen) {
    const head = heads.get(each.conversationId);
    if (each.last === head) totals.caughtUp += 1;
    else
      violations.push({
        conversationId: each.conversationId,
        what: `an SSE connection stopped at offset ${each.last}, not ${head}`,
        trace: [],
      });
    if (each.gaps > 0)
      violations.push({
        conversationId: each.conversationId,
        what: `an SSE connection skipped offsets ${each.gaps} times`,
        trace: [],
      });
    if (each.repeats > 0)
      violations.push({
        conversationId: each.conversationId,
        what: `an SSE connection got ${each.repeats} offsets twice`,
        trace: [],
      });
    totals.gaps += each.gaps;
    totals.repeats += each.repeats;
    totals.reconnects += each.reconnects;
  }
  return totals;
}
