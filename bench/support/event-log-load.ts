// The load both event-log benchmarks (SQLite and PostgreSQL) put on an EventLog: many
// conversations appending at once, and one reader catching up on a long conversation.

import type { EventDraft, EventLog, StreamKey } from '@once/log';
import { newId, type Offset } from '@once/protocol';
import type { BenchRow } from '../bench-report.ts';

/** A text delta of a conversation's message, about 300 bytes stored. */
export function deltaDraft(
  stream: StreamKey,
  messageId: string,
  seq: number,
  ts = new Date().toISOString(),
): EventDraft {
  return {
    stream: 'conversation',
    conversationId: (stream as { conversationId: string }).conversationId as EventDraft['conversationId'],
    type: 'block_delta',
    messageId: messageId as EventDraft['messageId'],
    blockIndex: 0,
    seq,
    ts,
    data: { text: 'Hello there, a token or two ' },
  };
}

/** The stored text of one such delta: what the raw limits write per row. */
export const SAMPLE_ENVELOPE = JSON.stringify({
  offset: 1,
  ...deltaDraft({ stream: 'conversation', conversationId: newId() }, newId(), 1),
});

/** Throughput and commit latency of an append scenario. */
export interface AppendFigures {
  /** Events per second. */
  readonly rate: number;
  /** Milliseconds from an `append` call to its promise resolving. */
  readonly p50: number;
  readonly p99: number;
}

/** How an append scenario runs. */
export interface AppendLoad {
  /** Conversations streaming at once, one writer each. */
  readonly conversations: number;
  /** How long the scenario runs, in milliseconds. */
  readonly durationMs: number;
  /** Events per `append` call. */
  readonly eventsPerAppend: number;
}

/**
 * One writer per conversation, all at once, each appending `eventsPerAppend` events a
 * call and awaiting each call, as a turn's writer does (one timestamp a call, as the
 * message writer stamps a batch); a new message every 200 events.
 */
export async function measureAppends(log: EventLog, load: AppendLoad): Promise<AppendFigures> {
  const { eventsPerAppend } = load;
  const latencies: number[] = [];
  let events = 0;
  const started = performance.now();
  const deadline = started + load.durationMs;
  const writers = Array.from({ length: load.conversations }, async () => {
    const stream: StreamKey = { stream: 'conversation', conversationId: newId() };
    let messageId = newId();
    let seq = 1;
    while (performance.now() < deadline) {
      const ts = new Date().toISOString();
      const drafts = Array.from({ length: eventsPerAppend }, (_, index) =>
        deltaDraft(stream, messageId, seq + index, ts),
      );
      const called = performance.now();
      await log.append(stream, drafts);
      latencies.push(performance.now() - called);
      events += eventsPerAppend;
      seq += eventsPerAppend;
      if (seq > 200) {
        messageId = newId();
        seq = 1;
      }
    }
  });
  await Promise.all(writers);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((first, second) => first - second);
  const percentile = (fraction: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))] ?? 0;
  return { rate: events / seconds, p50: percentile(0.5), p99: percentile(0.99) };
}

/** Stores `events` events in one conversation, then reads them back in pages; returns events/s read. */
export async function measureCatchUp(log: EventLog, events: number, pageSize: number): Promise<number> {
  const stream: StreamKey = { stream: 'conversation', conversationId: newId() };
  const messageId = newId();
  for (let seq = 1; seq <= events; seq += pageSize) {
    await log.append(
      stream,
      Array.from({ length: pageSize }, (_, index) => deltaDraft(stream, messageId, seq + index)),
    );
  }
  const started = performance.now();
  let after = 0;
  for (;;) {
    const page = await log.read(stream, after as Offset, pageSize);
    if (page.length === 0) break;
    after = (page.at(-1) as { offset: number }).offset;
  }
  if (after !== events) throw new Error(`read ${after} events, expected ${events}`);
  return events / ((performance.now() - started) / 1000);
}

/** What one event-log benchmark measured, and its store's raw limits in the same run. */
export interface EventLogFigures {
  readonly single: AppendFigures;
  readonly coalesced: AppendFigures;
  /** Catch-up read rate, events/s. */
  readonly catchUp: number;
  /** The raw insert limit: what it is and its rate (rows/s). */
  readonly rawInsert: { readonly what: string; readonly value: number };
  /** The raw range read rate, rows/s. */
  readonly rawRead: number;
}

/** The method sentence both event-log sections share, before their store's own words. */
export function eventLogMethod(load: {
  conversations: number;
  durationMs: number;
  catchUpEvents: number;
  pageSize: number;
}): string {
  return (
    `${load.conversations} conversations stream at once for ${load.durationMs / 1000} s each scenario, one writer each awaiting every append ` +
    '(so group commit gathers the writers); latency is from the `append` call to its promise resolving. ' +
    `Catch-up reads ${load.catchUpEvents.toLocaleString('en-US')} events of one conversation in pages of ${load.pageSize}, parsed. `
  );
}

/** The rows of an event-log section, each figure beside its raw limit and goal. */
export function eventLogRows(figures: EventLogFigures): BenchRow[] {
  const { single, coalesced, rawInsert } = figures;
  const appendRows = (what: string, appends: AppendFigures): BenchRow[] => [
    {
      what: `append, ${what}, 100 conversations`,
      value: appends.rate,
      unit: 'events/s',
      limit: rawInsert,
      goal: '≥ 0.5 of raw',
    },
    { what: `commit latency p50, ${what}`, value: appends.p50, unit: 'ms' },
    { what: `commit latency p99, ${what}`, value: appends.p99, unit: 'ms', goal: '< 10 ms' },
  ];
  return [
    ...appendRows('1 event a call', single),
    ...appendRows('10 events a call', coalesced),
    {
      what: 'catch-up read, pages of 1000',
      value: figures.catchUp,
      unit: 'events/s',
      limit: { what: 'raw range read, pages of 1000, unparsed', value: figures.rawRead },
      goal: '≥ 300,000 events/s',
    },
  ];
}
