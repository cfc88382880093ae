import { asSchema, JSONParseError, TypeValidationError, type UIMessageChunk, uiMessageChunkSchema } from 'ai';
import { createParser, type ParseError } from 'eventsource-parser';

/** The AI SDK's own limit on one event, in characters (`parseJsonEventStream`'s default). */
const LARGEST_EVENT = 64 * 1024 * 1024;

const chunkSchema = asSchema(uiMessageChunkSchema);

/** Reads the UI message chunks of a body a read at a time: see {@link readUIMessageChunks}. */
export interface UIMessageChunkReader {
  /**
   * The chunks of the next read of the body that brought any, in order (the body's end:
   * `undefined`). A refusal met after some chunks of a read is thrown by the next call,
   * once those are taken.
   */
  next(): Promise<readonly UIMessageChunk[] | undefined>;
  /** Stops reading the body. */
  cancel(reason?: unknown): Promise<void>;
}

/**
 * The UI message chunks of an SSE body, read as the AI SDK's `DefaultChatTransport` reads
 * them (`parseJsonEventStream` with `uiMessageChunkSchema`): `data:` lines only, `[DONE]`
 * skipped, a line that is not JSON a `JSONParseError`, JSON that is no chunk a
 * `TypeValidationError`, an event over 64 MiB an error. Differences, for speed: a
 * text, reasoning or tool-input delta with exactly its required fields, nearly all of a
 * stream, and the small chunks every answer opens and closes with (see `isPlainDelta`)
 * are checked in place instead of by the schema (whose validation costs more than
 * the rest of the ingestion path together; `npm run bench ai-sdk`); decoding, SSE
 * parsing and JSON run on each piece of the body as it is read, and what one read
 * brought comes out as one batch (a web-stream stage per chunk costs a promise round
 * trip each: decision 019). `onBytes` is told of every piece of the body as it is read
 * (the upstream's idle timer).
 */
export function readUIMessageChunks(body: ReadableStream<Uint8Array>, onBytes?: () => void): UIMessageChunkReader {
  let events: string[] = [];
  let failure: ParseError | undefined;
  const parser = createParser({
    onEvent: (event) => events.push(event.data),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') failure ??= error;
    },
    maxBufferSize: LARGEST_EVENT,
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  /** A refusal met after chunks of the same read: thrown by the next call, once those are taken. */
  let deferred: { readonly error: unknown } | undefined;
  let ended = false;
  const drain = async (batch: UIMessageChunk[]) => {
    const taken = events;
    events = [];
    if (failure !== undefined) throw failure;
    await enqueueAll(taken, 0, { enqueue: (chunk) => batch.push(chunk) });
  };
  return {
    async next() {
      if (deferred !== undefined) throw deferred.error;
      if (ended) return undefined;
      const batch: UIMessageChunk[] = [];
      try {
        // Reads until the body gave at least one chunk, or ended.
        for (;;) {
          const next = await reader.read();
          if (next.done) {
            parser.feed(decoder.decode());
            await drain(batch);
            ended = true;
            return batch.length > 0 ? batch : undefined;
          }
          onBytes?.();
          parser.feed(decoder.decode(next.value, { stream: true }));
          if (events.length === 0 && failure === undefined) continue;
          await drain(batch);
          if (batch.length > 0) return batch;
        }
      } catch (error) {
        // The chunks before the refusal come first: it is thrown by the next call.
        if (batch.length === 0) throw error;
        deferred = { error };
        return batch;
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  };
}

/**
 * {@link readUIMessageChunks} as a stream of chunks (what `HttpChatTransport` hands on):
 * a refusal errors the stream after the chunks before it were read.
 */
export function parseUIMessageChunks(
  body: ReadableStream<Uint8Array>,
  onBytes?: () => void,
): ReadableStream<UIMessageChunk> {
  return chunkStreamOf(readUIMessageChunks(body, onBytes));
}

/** The chunks a {@link UIMessageChunkReader} reads, as a stream. */
export function chunkStreamOf(chunks: UIMessageChunkReader): ReadableStream<UIMessageChunk> {
  return new ReadableStream<UIMessageChunk>(
    {
      async pull(controller) {
        const batch = await chunks.next();
        if (batch === undefined) {
          controller.close();
          return;
        }
        for (const chunk of batch) controller.enqueue(chunk);
      },
      cancel(reason) {
        return chunks.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Enqueues the chunks of `events` from `start` on, in order: synchronously while they are
 * plain deltas, through the schema (asynchronously) from the first that is not.
 */
function enqueueAll(
  events: readonly string[],
  start: number,
  controller: Pick<ReadableStreamDefaultController<UIMessageChunk>, 'enqueue'>,
): Promise<void> | undefined {
  for (let index = start; index < events.length; index += 1) {
    const data = events[index] as string;
    if (data === '[DONE]') continue;
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch (cause) {
      throw new JSONParseError({ text: data, cause });
    }
    if (isPlainDelta(value)) {
      controller.enqueue(value);
      continue;
    }
    return validated(value).then((chunk) => {
      controller.enqueue(chunk);
      return enqueueAll(events, index + 1, controller);
    });
  }
  return undefined;
}

async function validated(value: unknown): Promise<UIMessageChunk> {
  const checked = await chunkSchema.validate?.(value);
  if (checked === undefined) return value as UIMessageChunk;
  if (!checked.success) throw new TypeValidationError({ value, cause: checked.error });
  return checked.value;
}

const FINISH_REASONS = new Set(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'interrupted', 'other']);

/**
 * A chunk the schema would pass as it is, checked in place: a delta with its string
 * fields and nothing optional, and the few small chunks every answer has (its start and
 * finish, each step's, each text or reasoning part's start and end) with nothing beyond
 * their plain fields. Anything else goes through the schema.
 */
function isPlainDelta(value: unknown): value is UIMessageChunk {
  if (typeof value !== 'object' || value === null) return false;
  const chunk = value as Record<string, unknown>;
  switch (chunk.type) {
    case 'text-delta':
    case 'reasoning-delta':
      return typeof chunk.id === 'string' && typeof chunk.delta === 'string' && !('providerMetadata' in chunk);
    case 'tool-input-delta':
      return typeof chunk.toolCallId === 'string' && typeof chunk.inputTextDelta === 'string';
    case 'text-start':
    case 'text-end':
    case 'reasoning-start':
    case 'reasoning-end':
      return typeof chunk.id === 'string' && Object.keys(chunk).length === 2;
    case 'start-step':
    case 'finish-step':
      return Object.keys(chunk).length === 1;
    case 'start':
      return Object.keys(chunk).length === (typeof chunk.messageId === 'string' ? 2 : 1);
    case 'finish':
      return Object.keys(chunk).length === (FINISH_REASONS.has(chunk.finishReason as string) ? 2 : 1);
    default:
      return false;
  }
}
