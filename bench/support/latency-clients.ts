// Once's real client SDK, one conversation client per conversation, timing every token
// from the moment the daemon's turn wrote it (the event's `ts`) to the moment the client
// store's subscriber sees it applied.
import { request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { type ConversationClient, createClient, type OnceClient } from '@once/client';
import { createDaemonClient, type DaemonClient } from '@once/testing';

/** Options of {@link openLatencyClients}. */
export interface LatencyClientsOptions {
  /** The daemons' base URLs; conversation `i`'s client follows it on daemon `i % urls.length`. */
  readonly urls: readonly string[];
  readonly conversationIds: readonly string[];
  /** Every message is sent to the first daemon, which then runs the turn (it takes the lease). */
  readonly staggerMs: number;
}

/** One round: a message in every conversation and every token of the answers timed. */
export interface RoundResult {
  /** Milliseconds from `ts` to store apply, of tokens whose client follows the daemon running the turn. */
  readonly sameDaemon: number[];
  /** The same for clients following another daemon (the PostgreSQL LISTEN/NOTIFY path). */
  readonly otherDaemon: number[];
  /**
   * Milliseconds from `ts` to the bytes' arrival on a raw socket (no SDK), sampled on one
   * conversation in {@link RAW_SAMPLE_EVERY}: the daemon's and the network's share.
   */
  readonly arrived: number[];
  /** Answers not finished within the round's time limit (the round is cut there). */
  readonly unfinished: number;
  /** The client process's event-loop delay during the round, p99 and max, in ms. */
  readonly loopDelayP99: number;
  readonly loopDelayMax: number;
  /** CPU time of this (client) process during the round, as a share of one core. */
  readonly clientCpu: number;
  readonly seconds: number;
}

/** What the clients hold at the end, against the daemon's snapshots. */
export interface DeliveryCheck {
  /** Events the daemon has that a client's store lacks, summed over the clients. */
  readonly lost: number;
  /** Events delivered twice (ignored by the store), summed. */
  readonly duplicates: number;
  /** Gaps a store refused (each made the client resume), summed. */
  readonly refused: number;
  /** Conversations whose client store differs from the daemon's snapshot. */
  readonly differing: number;
}

export interface LatencyClients {
  round(): Promise<RoundResult>;
  check(): Promise<DeliveryCheck>;
  close(): void;
}

/** Milliseconds since the epoch, as the daemon's `ts` counts them. */
const now = () => Date.now();
/** How long a round waits for its answers before it is cut. */
export const ROUND_TIMEOUT_MS = 120_000;
/** One conversation in this many also gets a raw event stream, timing arrival before the SDK. */
export const RAW_SAMPLE_EVERY = 10;

/** Opens a client conversation for each id and waits until every one is live. */
export async function openLatencyClients(options: LatencyClientsOptions): Promise<LatencyClients> {
  const clients: OnceClient[] = options.urls.map((baseUrl) => createClient({ baseUrl }));
  const sender = createDaemonClient(options.urls[0] as string);
  let current: RoundResult | undefined;
  const timings: Map<number, number>[] = [];
  const rawStreams: { close(): void }[] = [];
  const open = (id: string, index: number) => {
    const daemon = index % clients.length;
    const conversation = (clients[daemon] as OnceClient).conversation(id);
    const appliedAt = new Map<number, number>();
    timings.push(appliedAt);
    // The store's subscriber: the moment the UI would see the change.
    conversation.store.subscribe(() => {
      if (current !== undefined) appliedAt.set(conversation.store.getSnapshot().offset, now());
    });
    // The message domain says which event each offset was (a microtask later; its own delay is not counted).
    conversation.domains.message.subscribe(
      (item) => {
        if (current === undefined || item.kind !== 'event' || item.event.type !== 'block_delta') return;
        const applied = appliedAt.get(item.event.offset);
        appliedAt.delete(item.event.offset);
        if (applied === undefined) return;
        (daemon === 0 ? current.sameDaemon : current.otherDaemon).push(applied - Date.parse(item.event.ts));
      },
      { bufferSize: 100_000 },
    );
    if (index % RAW_SAMPLE_EVERY === 0) {
      rawStreams.push(
        followRaw(`${options.urls[daemon]}/v1/conversations/${id}/events`, (latency) => current?.arrived.push(latency)),
      );
    }
    return conversation;
  };
  // A hundred at a time, so the daemon's accept queue is not flooded on a busy machine.
  const conversations: ConversationClient[] = [];
  for (let index = 0; index < options.conversationIds.length; index += 100) {
    const batch = options.conversationIds.slice(index, index + 100).map((id, offset) => open(id, index + offset));
    await Promise.all(batch.map(live));
    conversations.push(...batch);
  }
  let rounds = 0;

  return {
    async round() {
      rounds += 1;
      const loop = monitorEventLoopDelay({ resolution: 10 });
      const result = {
        sameDaemon: [] as number[],
        otherDaemon: [] as number[],
        arrived: [] as number[],
        unfinished: 0,
        loopDelayP99: 0,
        loopDelayMax: 0,
        clientCpu: 0,
        seconds: 0,
      };
      for (const appliedAt of timings) appliedAt.clear();
      current = result;
      loop.enable();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const sends = conversations.map(
        (conversation, index) =>
          new Promise<void>((resolve, reject) => {
            // Spread over one token interval, so the turns' tokens do not all tick together.
            setTimeout(
              () => sendWithRetries(sender, conversation.conversationId).then(() => resolve(), reject),
              (index / conversations.length) * options.staggerMs,
            );
          }),
      );
      await Promise.all(sends);
      const target = rounds;
      const finished = await Promise.all(conversations.map((conversation) => answered(conversation, target)));
      result.unfinished = finished.filter((done) => !done).length;
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      loop.disable();
      current = undefined;
      return {
        ...result,
        loopDelayP99: loop.percentile(99) / 1e6,
        loopDelayMax: loop.max / 1e6,
        clientCpu: (used.user + used.system) / 1e6 / seconds,
        seconds,
      };
    },
    async check() {
      let lost = 0;
      let duplicates = 0;
      let refused = 0;
      let differing = 0;
      for (const conversation of conversations) {
        const snapshot = await sender.getSnapshot(conversation.conversationId);
        const state = conversation.store.getSnapshot();
        const log = conversation.deliveries.getSnapshot();
        lost += Math.max(0, snapshot.offset - state.offset);
        duplicates += log.duplicates;
        refused += log.refused;
        if (!isDeepStrictEqual(state.messages, snapshot.messages)) differing += 1;
      }
      return { lost, duplicates, refused, differing };
    },
    close() {
      for (const client of clients) client.close();
      for (const stream of rawStreams) stream.close();
    },
  };
}

/** A raw event stream that reports, for each `block_delta`, the milliseconds from its `ts` to its arrival. */
function followRaw(url: string, report: (latency: number) => void): { close(): void } {
  const outgoing = request(url, { headers: { accept: 'text/event-stream' }, agent: false }, (response) => {
    let tail = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      const arrival = now();
      const frames = (tail + chunk).split('\n\n');
      tail = frames.pop() ?? '';
      for (const frame of frames) {
        if (!frame.includes('event: block_delta')) continue;
        const ts = /"ts":"([^"]+)"/.exec(frame)?.[1];
        if (ts !== undefined) report(arrival - Date.parse(ts));
      }
    });
  });
  outgoing.on('error', () => undefined);
  outgoing.end();
  return { close: () => outgoing.destroy() };
}

/**
 * Sends the round's message, again with the same clientMessageId (so at most one is
 * stored) when the connection fails: a thousand sends at once on a busy machine can
 * overflow the daemon's accept queue.
 */
async function sendWithRetries(sender: DaemonClient, conversationId: string): Promise<void> {
  const clientMessageId = crypto.randomUUID();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sender.sendMessage(conversationId, 'Tell me about streaming.', clientMessageId);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Resolves once the conversation's stream is live. */
function live(conversation: ConversationClient): Promise<void> {
  return waitFor(conversation.connection, () => conversation.connection.getSnapshot().status === 'live');
}

/** Resolves true once the conversation's store holds `count` finished answers, false at the round's time limit. */
function answered(conversation: ConversationClient, count: number): Promise<boolean> {
  const finished = () =>
    conversation.store
      .getSnapshot()
      .messages.filter((message) => message.role === 'assistant' && message.status !== 'streaming').length >= count;
  return waitFor(conversation.store, finished).then(
    () => true,
    () => false,
  );
}

function waitFor(source: { subscribe(listener: () => void): () => void }, condition: () => boolean): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`not reached within ${ROUND_TIMEOUT_MS} ms`));
    }, ROUND_TIMEOUT_MS);
    const unsubscribe = source.subscribe(() => {
      if (!condition()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}
