import {
  expandCompactDelta,
  type IncomingEvent,
  isCompactDelta,
  isOnceError,
  OnceError,
  parseIncomingEvent,
  type RawEnvelope,
  toOffset,
} from '@once/protocol';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { TransportItem } from './transport.ts';

/** Options of {@link readSseItems}. */
export interface ReadSseItemsOptions {
  /**
   * What to throw instead of an error that is not a `OnceError` (the platform's, when a
   * socket is torn mid-body), given that error. Default: the error as it is.
   */
  readonly brokenOff?: (error: unknown) => unknown;
}

/** What one read of the body gives (named here: not every TS `lib` names it). */
type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;

/** A chunk that completed no frame: the connection is alive, nothing more. Shared, never changed. */
const ALIVE: TransportItem = Object.freeze({ kind: 'heartbeat' });
/** Decoding options of every read: a character may continue in the next one. */
const STREAMING = Object.freeze({ stream: true });
const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Reads a server-sent event body as transport items. A chunk that completes no frame
 * (part of a large event, or a heartbeat comment) still yields a `heartbeat`: any byte
 * proves the connection alive, and that is what the watchdog needs to know.
 *
 * Both wire forms are read: full envelopes, and the compact form's short frames
 * (`?format=compact`, decision 019), each expanded back to its exact envelope from the
 * event before it on this body before it is parsed.
 *
 * An iterator written by hand rather than an async generator: a live stream hands over
 * about one item per read of the body, and a generator's own promises and resumptions
 * cost more than the read itself (decision 028). The body is cancelled once the
 * iteration ends, however it ends.
 * @throws OnceError `invalid_event` for a frame that is not a valid event.
 */
export function readSseItems(
  body: ReadableStream<Uint8Array>,
  options: ReadSseItemsOptions = {},
): AsyncIterableIterator<TransportItem> {
  // Items parsed from the current read, and the ones not yet handed over.
  const parsed: TransportItem[] = [];
  let ready: TransportItem[] = [];
  let next = 0;
  // The last event's envelope as sent: what a short frame is expanded from.
  let previous: RawEnvelope | undefined;
  const parser = createParser({
    onEvent: (message) => {
      if (message.event === undefined && isCompactDelta(message.data)) {
        previous = expandShortFrame(previous, message.data);
        parsed.push({ kind: 'event', event: parseIncomingEvent(previous) });
        return;
      }
      const item = toItem(message);
      if (item.kind === 'event') previous = item.raw;
      parsed.push(item.kind === 'event' ? { kind: 'event', event: item.event } : item);
    },
    onComment: (comment) => {
      const sent = SENT_COMMENT.exec(comment)?.[1];
      if (sent !== undefined) parsed.push({ kind: 'heartbeat', sent: toOffset(Number(sent)) });
    },
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    reader.cancel().catch(() => {});
  };

  const failed = (error: unknown): never => {
    finish();
    throw options.brokenOff === undefined || isOnceError(error) ? error : options.brokenOff(error);
  };

  const received = (result: ReadResult): IteratorResult<TransportItem> => {
    if (result.done) {
      finish();
      return DONE;
    }
    try {
      parser.feed(decoder.decode(result.value, STREAMING));
    } catch (error) {
      return failed(error);
    }
    if (parsed.length === 0) return { done: false, value: ALIVE };
    if (parsed.length === 1) {
      // The common case on a live stream: the read held one frame.
      const value = parsed[0] as TransportItem;
      parsed.length = 0;
      return { done: false, value };
    }
    // Take the whole read before handing any of it over: the consumer may stop between items.
    ready = batchEvents(parsed);
    parsed.length = 0;
    next = 1;
    return { done: false, value: ready[0] as TransportItem };
  };
  return {
    next() {
      if (next < ready.length) {
        const value = ready[next] as TransportItem;
        next += 1;
        return Promise.resolve({ done: false, value });
      }
      if (finished) return Promise.resolve(DONE);
      return reader.read().then(received, failed);
    },
    return() {
      finish();
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
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
