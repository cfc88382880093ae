// The core reducer: events per second through a MessageStore with one subscriber, for a
// conversation of 50 messages × 2,000 deltas, beside a mutable fold of the same events
// (no immutability, no dedup, no checks) as the ceiling on this machine.
import { createMessageStore, selectMessages } from '@once/core';
import {
  type ConversationId,
  createIdGenerator,
  type IncomingEvent,
  type MessageId,
  type MessageSnapshot,
  type Offset,
  type TurnId,
} from '@once/protocol';
import type { Bench, BenchRow } from './bench-report.ts';

const MESSAGES = 50;
const DELTAS = 2_000;
const ROUNDS = 7;

function buildEvents(): { conversationId: ConversationId; events: IncomingEvent[] } {
  const newId = createIdGenerator();
  const conversationId = newId() as ConversationId;
  const events: object[] = [];
  const ts = '2026-11-23T21:00:00.000Z';
  const push = (event: object) =>
    events.push({ offset: (events.length + 1) as Offset, stream: 'conversation', conversationId, ts, ...event });
  for (let m = 0; m < MESSAGES; m += 1) {
    const messageId = newId() as MessageId;
    const turnId = newId() as TurnId;
    push({ type: 'message_open', messageId, blockIndex: -1, seq: 1, data: { role: 'assistant', turnId } });
    push({ type: 'block_open', messageId, blockIndex: 0, seq: 1, data: { blockType: 'text' } });
    let text = '';
    for (let d = 0; d < DELTAS; d += 1) {
      const piece = `tok${d % 97} `;
      text += piece;
      push({ type: 'block_delta', messageId, blockIndex: 0, seq: d + 2, data: { text: piece } });
    }
    push({ type: 'block_close', messageId, blockIndex: 0, seq: DELTAS + 2, data: {} });
    const message: MessageSnapshot = {
      id: messageId,
      conversationId,
      role: 'assistant',
      status: 'complete',
      turnId,
      createdAt: ts,
      blocks: [{ index: 0, type: 'text', status: 'closed', text }],
      watermarks: { '-1': 1, '0': DELTAS + 2 },
    };
    push({ type: 'message_complete', messageId, blockIndex: -1, seq: 2, data: { status: 'complete', message } });
  }
  return { conversationId, events: events as IncomingEvent[] };
}

function time(run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function best(run: () => void): number {
  const seconds: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    (globalThis as { gc?: () => void }).gc?.();
    seconds.push(time(run));
  }
  return Math.min(...seconds);
}

const bench: Bench = async () => {
  const { conversationId, events } = buildEvents();
  const count = events.length;

  // The ceiling: the same fold into plain mutable objects.
  const mutable = best(() => {
    const messages = new Map<string, { blocks: { text: string }[] }>();
    for (const event of events) {
      const e = event as { type: string; messageId: string; blockIndex: number; data: { text?: string } };
      if (e.type === 'message_open') messages.set(e.messageId, { blocks: [] });
      else if (e.type === 'block_open') messages.get(e.messageId)?.blocks.push({ text: '' });
      else if (e.type === 'block_delta') {
        const block = messages.get(e.messageId)?.blocks[e.blockIndex];
        if (block) block.text += e.data.text ?? '';
      }
    }
  });

  let renders = 0;
  const perEvent = best(() => {
    const store = createMessageStore({ conversationId });
    store.subscribe(() => {
      renders += selectMessages(store.getSnapshot()).length > 0 ? 1 : 0;
    });
    for (const event of events) store.apply(event);
    if (store.getSnapshot().offset !== count) throw new Error('the store did not apply every event');
  });

  const batched = best(() => {
    const store = createMessageStore({ conversationId });
    store.subscribe(() => {
      renders += selectMessages(store.getSnapshot()).length;
    });
    for (let index = 0; index < count; index += 100) store.apply(events.slice(index, index + 100));
    if (store.getSnapshot().offset !== count) throw new Error('the store did not apply every event');
  });

  const duplicates = best(() => {
    const store = createMessageStore({ conversationId });
    store.subscribe(() => {
      renders += 1;
    });
    for (const event of events) {
      store.apply(event);
      store.apply(event);
    }
  });

  const limit = { what: 'mutable fold, no checks', value: count / mutable };
  const rows: BenchRow[] = [
    {
      what: 'MessageStore.apply, one event a call, 1 subscriber',
      value: count / perEvent,
      unit: 'events/s',
      limit,
      goal: '> 1,000,000 events/s',
    },
    { what: 'MessageStore.apply, 100 events a call, 1 subscriber', value: count / batched, unit: 'events/s', limit },
    {
      what: 'every event delivered twice (second is a no-op)',
      value: (2 * count) / duplicates,
      unit: 'deliveries/s',
      limit,
    },
  ];
  return {
    title: 'Reducer (packages/core)',
    method: `${MESSAGES} messages × ${DELTAS.toLocaleString('en-US')} text deltas (${count.toLocaleString('en-US')} events) folded into a fresh MessageStore whose subscriber reads the ordered message list; best of ${ROUNDS} rounds, in-process, after GC.`,
    rows,
    notes: [`Subscriber renders counted: ${renders} (keeps the work from being optimised away).`],
  };
};

export default bench;
