// The client SDK (packages/client): (a) its apply rate — events per second from a
// transport into a conversation store with a subscriber, through the whole connection
// loop — beside the core MessageStore fed the same events directly in the same run;
// (a') the dispatch rate — the same events through the client to a message-domain
// subscriber that folds each item it is given — beside that apply rate;
// (b) bootstrapping a stored 1,000-message conversation from a real daemon: time until
// the store holds the snapshot, beside a bare fetch + JSON.parse of the same snapshot,
// and the snapshot's bytes on the wire.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type MessageDomainState } from '@once/client';
import { createMessageStore, selectMessages } from '@once/core';
import {
  type ConversationId,
  createIdGenerator,
  type IncomingEvent,
  type MessageId,
  type Offset,
  type TurnId,
} from '@once/protocol';
import type { Bench, BenchRow } from './bench-report.ts';
import { startDaemon, stop } from './support/child-process.ts';
import { type Replay, replayTransport } from './support/replay-transport.ts';
import { writeStoredConversation } from './support/stored-conversation.ts';

const APPLY_MESSAGES = 50;
const APPLY_DELTAS = 2_000;
const BOOTSTRAP_MESSAGES = 1_000;
const BOOTSTRAP_DELTAS = 100;
const ROUNDS = 5;
/** Events an `events` item carries in the batched replay: about what one 64 KiB read of the SSE body holds. */
const APPLY_BATCH = 200;
const TS = '2026-11-23T21:00:00.000Z';

/** A stream as the daemon records it: messages of one text block, each opened, streamed and completed. */
function buildEvents(): { conversationId: ConversationId; events: IncomingEvent[] } {
  const generateId = createIdGenerator();
  const conversationId = generateId() as ConversationId;
  const events: object[] = [];
  const push = (event: object) =>
    events.push({ offset: (events.length + 1) as Offset, stream: 'conversation', conversationId, ts: TS, ...event });
  for (let index = 0; index < APPLY_MESSAGES; index += 1) {
    const messageId = generateId() as MessageId;
    const turnId = generateId() as TurnId;
    push({ type: 'message_open', messageId, blockIndex: -1, seq: 1, data: { role: 'assistant', turnId } });
    push({ type: 'block_open', messageId, blockIndex: 0, seq: 1, data: { blockType: 'text' } });
    for (let delta = 0; delta < APPLY_DELTAS; delta += 1) {
      push({ type: 'block_delta', messageId, blockIndex: 0, seq: delta + 2, data: { text: `tok${delta % 97} ` } });
    }
    push({ type: 'block_close', messageId, blockIndex: 0, seq: APPLY_DELTAS + 2, data: {} });
  }
  return { conversationId, events: events as IncomingEvent[] };
}

async function best(run: () => Promise<number>): Promise<number> {
  const seconds: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    (globalThis as { gc?: () => void }).gc?.();
    seconds.push(await run());
  }
  return Math.min(...seconds);
}

let renders = 0;

/** Seconds to apply `events` straight to a core MessageStore with one subscriber. */
function applyDirect(conversationId: ConversationId, events: readonly IncomingEvent[]): number {
  const started = performance.now();
  const store = createMessageStore({ conversationId });
  store.subscribe(() => {
    renders += selectMessages(store.getSnapshot()).length > 0 ? 1 : 0;
  });
  for (const event of events) store.apply(event);
  return (performance.now() - started) / 1000;
}

/** Seconds until a client's conversation store, fed by the replay transport, holds the last event. */
async function applyThroughClient(
  conversationId: ConversationId,
  events: readonly IncomingEvent[],
  batch: number,
  replay: Replay = 'iterator',
): Promise<number> {
  const started = performance.now();
  const client = createClient({ transport: replayTransport(conversationId, events, batch, replay) });
  const conversation = client.conversation(conversationId);
  await new Promise<void>((resolve) => {
    conversation.store.subscribe(() => {
      renders += selectMessages(conversation.store.getSnapshot()).length > 0 ? 1 : 0;
      if (conversation.store.getSnapshot().offset === events.length) resolve();
    });
  });
  const seconds = (performance.now() - started) / 1000;
  client.close();
  await conversation.closed;
  return seconds;
}

/**
 * Seconds to apply `events` to a core MessageStore with one subscriber, taking them from the
 * replay transport one event an item with a bare `for await` and no client: what the
 * transport's iteration costs on its own, the most a client could reach through it.
 */
async function applyFromTransport(
  conversationId: ConversationId,
  events: readonly IncomingEvent[],
  replay: Replay,
): Promise<number> {
  const started = performance.now();
  const store = createMessageStore({ conversationId });
  store.subscribe(() => {
    renders += selectMessages(store.getSnapshot()).length > 0 ? 1 : 0;
  });
  const hangUp = new AbortController();
  const transport = replayTransport(conversationId, events, 1, replay);
  for await (const item of transport.events({ stream: 'conversation', conversationId }, 0 as Offset, hangUp.signal)) {
    if (item.kind === 'event') store.apply(item.event);
    else if (item.kind === 'ready') break;
  }
  const seconds = (performance.now() - started) / 1000;
  if (store.getSnapshot().offset !== events.length) throw new Error('the store lacks events');
  hangUp.abort();
  return seconds;
}

/**
 * Every way in turn each round (core; the client with one event an item, from each
 * transport; each transport into a bare store; the client with batches), so that load
 * from other processes falls on all of them alike; best of the rounds.
 */
async function measureApply(rows: BenchRow[]): Promise<number> {
  const { conversationId, events } = buildEvents();
  const count = events.length;
  const fastest = {
    direct: Number.POSITIVE_INFINITY,
    single: Number.POSITIVE_INFINITY,
    singleBare: Number.POSITIVE_INFINITY,
    generator: Number.POSITIVE_INFINITY,
    generatorBare: Number.POSITIVE_INFINITY,
    batched: Number.POSITIVE_INFINITY,
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    (globalThis as { gc?: () => void }).gc?.();
    fastest.direct = Math.min(fastest.direct, applyDirect(conversationId, events));
    fastest.single = Math.min(fastest.single, await applyThroughClient(conversationId, events, 1));
    fastest.singleBare = Math.min(fastest.singleBare, await applyFromTransport(conversationId, events, 'iterator'));
    fastest.generator = Math.min(fastest.generator, await applyThroughClient(conversationId, events, 1, 'generator'));
    fastest.generatorBare = Math.min(
      fastest.generatorBare,
      await applyFromTransport(conversationId, events, 'generator'),
    );
    fastest.batched = Math.min(fastest.batched, await applyThroughClient(conversationId, events, APPLY_BATCH));
  }
  const direct = { what: 'core MessageStore.apply, same events, 1 subscriber', value: count / fastest.direct };
  const row = (what: string, seconds: number, goal?: string): BenchRow => ({
    what,
    value: count / seconds,
    unit: 'events/s',
    limit: direct,
    ...(goal === undefined ? {} : { goal }),
  });
  rows.push(
    row(
      'client conversation store, in-process replay transport (one event an item, a hand-written async iterator as the HTTP transport has), 1 subscriber',
      fastest.single,
      '≥ 0.5',
    ),
    row('that transport into a bare core store, no client (`for await` + apply)', fastest.singleBare),
    row('client conversation store, the replay transport an async generator (one event an item)', fastest.generator),
    row('that async generator into a bare core store, no client', fastest.generatorBare),
    row(
      `client conversation store, the transport handing over ${APPLY_BATCH} events an item (an \`events\` item, as one SSE read holds)`,
      fastest.batched,
      '≥ 0.5',
    ),
  );
  return count / fastest.single;
}

let resyncs = 0;

/** The same replay through the client, to a message-domain consumer that folds every item; until it holds the last event. */
async function measureDispatch(rows: BenchRow[], notes: string[], applyRate: number): Promise<void> {
  const { conversationId, events } = buildEvents();
  const count = events.length;
  let overflows = 0;
  const seconds = await best(async () => {
    const started = performance.now();
    const client = createClient({ transport: replayTransport(conversationId, events) });
    const conversation = client.conversation(conversationId);
    const domain = conversation.domains.message;
    let folded: MessageDomainState | undefined;
    await new Promise<void>((resolve) => {
      domain.subscribe((item) => {
        folded = domain.foldItem(folded, item);
        if (item.kind === 'resync') {
          resyncs += 1;
          if (item.reason === 'overflow') overflows += 1;
        }
        const last = item.kind === 'resync' ? item.offset : item.kind === 'event' ? item.event.offset : 0;
        if (last === count) resolve();
      });
    });
    const elapsed = (performance.now() - started) / 1000;
    if (folded?.messages.length !== APPLY_MESSAGES) throw new Error('the consumer lacks messages');
    client.close();
    await conversation.closed;
    return elapsed;
  });
  rows.push({
    what: 'client message-domain subscription (default buffer, consumer folds each item), same replay',
    value: count / seconds,
    unit: 'events/s',
    limit: { what: 'client conversation store apply rate (row above)', value: applyRate },
  });
  notes.push(
    `Dispatch: every event goes through the store, then to the domain's buffer and the consumer one microtask later; ${overflows} overflow resync(s) over ${ROUNDS} rounds (0 means the consumer kept up with the default buffer of 1,024).`,
  );
}

async function measureBootstrap(rows: BenchRow[], notes: string[]): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'once-bench-'));
  try {
    const conversationId = (
      await writeStoredConversation(dataDir, { messages: BOOTSTRAP_MESSAGES, deltas: BOOTSTRAP_DELTAS })
    ).conversationId;
    const { url, child } = await startDaemon(dataDir);
    try {
      const snapshotUrl = `${url}/v1/conversations/${conversationId}`;
      const response = await fetch(snapshotUrl);
      const bytes = (await response.arrayBuffer()).byteLength;
      const head = (JSON.parse(await (await fetch(snapshotUrl)).text()) as { offset: number }).offset;
      const bare = await best(async () => {
        const started = performance.now();
        const body = JSON.parse(await (await fetch(snapshotUrl)).text()) as { messages: unknown[] };
        if (body.messages.length !== BOOTSTRAP_MESSAGES) throw new Error('the snapshot lacks messages');
        return (performance.now() - started) / 1000;
      });
      const viaClient = await best(async () => {
        const started = performance.now();
        const client = createClient({ baseUrl: url });
        const conversation = client.conversation(conversationId);
        await new Promise<void>((resolve) => {
          const check = () => {
            if (conversation.store.getSnapshot().offset === head) resolve();
          };
          conversation.store.subscribe(check);
          check();
        });
        const seconds = (performance.now() - started) / 1000;
        if (conversation.store.getSnapshot().messages.length !== BOOTSTRAP_MESSAGES) {
          throw new Error('the store lacks messages');
        }
        client.close();
        await conversation.closed;
        return seconds;
      });
      rows.push({
        what: `bootstrap of a ${BOOTSTRAP_MESSAGES.toLocaleString('en-US')}-message conversation, createClient().conversation() until the store holds the snapshot`,
        value: viaClient * 1000,
        unit: 'ms',
        limit: { what: 'bare fetch + JSON.parse of the same snapshot', value: bare * 1000 },
      });
      rows.push({ what: 'snapshot bytes on the wire (JSON body, uncompressed)', value: bytes, unit: 'bytes' });
      notes.push(
        `The stored conversation holds ${head.toLocaleString('en-US')} conversation events; the client fetches only the snapshot at offset ${head.toLocaleString('en-US')}, then opens the stream after it.`,
      );
    } finally {
      await stop(child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const bench: Bench = async () => {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  console.error('  client: apply rate');
  const applyRate = await measureApply(rows);
  console.error('  client: dispatch rate');
  await measureDispatch(rows, notes, applyRate);
  console.error('  client: bootstrap');
  await measureBootstrap(rows, notes);
  notes.push(
    `Subscriber renders counted: ${renders}, resyncs folded: ${resyncs} (keeps the work from being optimised away).`,
  );
  return {
    title: 'Client SDK (packages/client)',
    method: `Apply: ${APPLY_MESSAGES} messages × ${APPLY_DELTAS.toLocaleString('en-US')} text deltas replayed by an in-process transport (no network) through createClient().conversation() — connection loop, heartbeat watchdog, continuity checks, wire log, store, one subscriber — beside the same events applied straight to a core MessageStore; the transport hands over one event an item, from an async iterator written by hand (as the HTTP transport's) or from an async generator, each also fed to a bare store with no client, then ${APPLY_BATCH} an item (an \`events\` item); all run in turn each round. Dispatch: the same replay to a conversation.domains.message subscriber that folds each item with foldItem. Bootstrap: ${BOOTSTRAP_MESSAGES.toLocaleString('en-US')} completed assistant messages of ${BOOTSTRAP_DELTAS} deltas each written with openSqliteEventLog, served by the daemon as a child process. Best of ${ROUNDS} rounds each.`,
    rows,
    notes,
  };
};

export default bench;
