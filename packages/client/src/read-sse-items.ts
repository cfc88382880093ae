import {
  expandCompactDelta,
  type IncomingEvent,
  isCompactDelta,
  OnceError,
  parseIncomingEvent,
  type RawEnvelope,
  toOffset,
} from '@once/protocol';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { TransportItem } from './transport.ts';

/**
 * Reads a server-sent event body as transport items. A chunk that completes no frame
 * (part of a large event, or a heartbeat comment) still yields a `heartbeat`: any byte
 * proves the connection alive, and that is what the watchdog needs to know.
 *
 * Both wire forms are read: full envelopes, and the compact form's short frames
 * (`?format=compact`, decision 019), each expanded back to its exact envelope from the
 * event before it on this body before it is parsed.
 * @throws OnceError `invalid_event` for a frame that is not a valid event.
 */
export async function* readSseItems(body: ReadableStream<Uint8Array>): AsyncGenerator<TransportItem> {
  const items: TransportItem[] = [];
  // The last event's envelope as sent: what a short frame is expanded from.
  let previous: RawEnvelope | undefined;
  const parser = createParser({
    onEvent: (message) => {
      if (message.event === undefined && isCompactDelta(message.data)) {
        previous = expandShortFrame(previous, message.data);
        items.push({ kind: 'event', event: parseIncomingEvent(previous) });
        return;
      }
      const item = toItem(message);
      if (item.kind === 'event') previous = item.raw;
      items.push(item.kind === 'event' ? { kind: 'event', event: item.event } : item);
    },
    onComment: (comment) => {
      const sent = SENT_COMMENT.exec(comment)?.[1];
      if (sent !== undefined) items.push({ kind: 'heartbeat', sent: toOffset(Number(sent)) });
    },
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
      if (items.length === 0) {
        yield { kind: 'heartbeat' };
        continue;
      }
      // Take the batch before yielding: the consumer may stop between items.
      yield* batchEvents(items.splice(0));
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * Joins each run of events that one read of the body held into one `events` item: a
 * consumer pays its per-item cost (an await, a watchdog kick) once per read, not once per
 * event, which is most of what the client spends on a busy stream (decision 020).
 * Everything else keeps its place between the runs.
 */
function batchEvents(items: readonly TransportItem[]): TransportItem[] {
  const batched: TransportItem[] = [];
  let run: IncomingEvent[] = [];
  const endRun = () => {
    if (run.length === 1) batched.push({ kind: 'event', event: run[0] as IncomingEvent });
    else if (run.length > 1) batched.push({ kind: 'events', events: run });
    run = [];
  };
  for (const item of items) {
    if (item.kind === 'event') {
      run.push(item.event);
      continue;
    }
    endRun();
    batched.push(item);
  }
  endRun();
  return batched;
}

/** The daemon's heartbeat comment: `: sent <offset of the last event this connection wrote>`. */
const SENT_COMMENT = /^\s*sent (\d{1,15})\s*$/;

function expandShortFrame(previous: RawEnvelope | undefined, text: string): RawEnvelope {
  try {
    return expandCompactDelta(previous, parseJson(text, undefined));
  } catch (error) {
    if (error instanceof OnceError) throw error;
    throw new OnceError('invalid_event', `A compact frame could not be read: ${(error as Error).message}.`, {
      cause: error,
    });
  }
}

type ReadItem = Exclude<TransportItem, { kind: 'event' }> | { kind: 'event'; event: IncomingEvent; raw: RawEnvelope };

function toItem(message: EventSourceMessage): ReadItem {
  const data = parseJson(message.data, message.event);
  if (message.event === 'ready' || message.event === 'reset') {
    const offset = typeof data === 'object' && data !== null ? (data as { offset?: unknown }).offset : undefined;
    if (typeof offset !== 'number') {
      throw new OnceError(
        'invalid_event',
        `The ${message.event} frame carries no offset: ${message.data.slice(0, 80)}`,
      );
    }
    return { kind: message.event, offset: toOffset(offset) };
  }
  const event: IncomingEvent = parseIncomingEvent(data);
  return { kind: 'event', event, raw: data as RawEnvelope };
}

function parseJson(text: string, type: string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OnceError('invalid_event', `The ${type ?? 'unnamed'} frame's data is not JSON.`, { cause: error });
  }
}
