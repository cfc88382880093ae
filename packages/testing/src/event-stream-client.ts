import { type IncomingEvent, parseIncomingEvent } from '@once/protocol';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** Options of {@link openEventStream}. */
export interface OpenEventStreamOptions {
  /** Sent as `Last-Event-ID`: the offset of the last event the client has. */
  readonly lastEventId?: string;
  /** More request headers, e.g. `authorization`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Called before each chunk is read from the socket; a slow consumer waits here. */
  readonly beforeRead?: () => Promise<void>;
  /** Also yield comment lines (heartbeats) as messages of type `comment`, their text as `data`. Default false. */
  readonly comments?: boolean;
}

/** One SSE message off the wire, with the event parsed when it is an event (it has an `id:`). */
export interface StreamMessage {
  readonly type: string;
  readonly id: string | undefined;
  readonly data: string;
  /** The protocol event, for frames with an `id:` line. */
  readonly event: IncomingEvent | undefined;
}

/**
 * A live SSE connection read with `fetch`: iterate it for messages. Iteration ends when the
 * server closes the stream or the connection breaks (a killed daemon); `failure` then says
 * why. Nothing is read from the socket until the iterator asks, so a slow iterator is a
 * slow consumer as TCP sees it.
 */
export interface EventStream extends AsyncIterable<StreamMessage>, AsyncDisposable {
  /** The `retry:` the server asked for, in ms, once seen. */
  readonly retryMs: number | undefined;
  /** Why the stream ended, when a network error ended it. */
  readonly failure: unknown;
  /** The next message, or undefined once the stream has ended. */
  next(): Promise<StreamMessage | undefined>;
  close(): Promise<void>;
}

/** Opens `url` as an event stream (`Accept: text/event-stream`). Throws unless the response is a 200 SSE stream. */
export async function openEventStream(url: string, options: OpenEventStreamOptions = {}): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: {
      ...options.headers,
      accept: 'text/event-stream',
      ...(options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId }),
    },
    signal: controller.signal,
  });
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !contentType.startsWith('text/event-stream') || response.body === null) {
    // Anything but an event stream is a finite body (an error), worth showing.
    const body = contentType.startsWith('text/event-stream') ? '' : await response.text().catch(() => '');
    controller.abort();
    throw new Error(`Expected an event stream from ${url}, got ${response.status} ${contentType}: ${body}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parsed: EventSourceMessage[] = [];
  let retryMs: number | undefined;
  let failure: unknown;
  const parser = createParser({
    onEvent: (message) => parsed.push(message),
    onRetry: (milliseconds) => {
      retryMs = milliseconds;
    },
    onComment: (comment) => {
      if (options.comments) parsed.push({ event: 'comment', id: undefined, data: comment.trim() });
    },
  });

  async function* messages(): AsyncGenerator<StreamMessage> {
    while (true) {
      const message = parsed.shift();
      if (message !== undefined) {
        yield toStreamMessage(message);
        continue;
      }
      await options.beforeRead?.();
      let chunk: string | undefined;
      try {
        const result = await reader.read();
        chunk = result.done ? undefined : result.value;
      } catch (error) {
        if (!controller.signal.aborted) failure = error;
        return;
      }
      if (chunk === undefined) return;
      parser.feed(chunk);
    }
  }

  const close = async () => {
    controller.abort();
    await reader.cancel().catch(() => {});
  };
  const iterator = messages();
  const next = async () => {
    const result = await iterator.next();
    return result.done ? undefined : result.value;
  };
  return {
    get retryMs() {
      return retryMs;
    },
    get failure() {
      return failure;
    },
    next,
    // No `return()`: leaving a `for await` loop early keeps the connection for the next loop.
    [Symbol.asyncIterator]: () => ({ next: () => iterator.next() }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The events a stream sent before a `ready` or `reset`, and the offset that message carried. */
export interface StreamCatchUp {
  readonly events: IncomingEvent[];
  readonly offset: number;
}

/**
 * Reads `stream` until a message of `type` arrives and returns the events before it and the
 * offset it carries. Throws when the stream ends first or sends the other of the two.
 */
export async function readUntil(stream: EventStream, type: 'ready' | 'reset'): Promise<StreamCatchUp> {
  const events: IncomingEvent[] = [];
  for (;;) {
    const message = await stream.next();
    if (message === undefined) {
      throw new Error(
        `The event stream ended after ${events.length} events, before ${type}: ${String(stream.failure)}`,
      );
    }
    if (message.event !== undefined) events.push(message.event);
    else if (message.type === type) return { events, offset: (JSON.parse(message.data) as { offset: number }).offset };
    else if (message.type === 'ready' || message.type === 'reset') {
      throw new Error(`Expected ${type}, the stream sent ${message.type} ${message.data}.`);
    }
  }
}

function toStreamMessage(message: EventSourceMessage): StreamMessage {
  return {
    type: message.event ?? 'message',
    id: message.id,
    data: message.data,
    event: message.id === undefined ? undefined : parseIncomingEvent(JSON.parse(message.data)),
  };
}
