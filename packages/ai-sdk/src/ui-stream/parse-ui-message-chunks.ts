import { asSchema, JSONParseError, TypeValidationError, type UIMessageChunk, uiMessageChunkSchema } from 'ai';
import { createParser, type ParseError } from 'eventsource-parser';

/** The AI SDK's own limit on one event, in characters (`parseJsonEventStream`'s default). */
const LARGEST_EVENT = 64 * 1024 * 1024;

const chunkSchema = asSchema(uiMessageChunkSchema);

/**
 * The UI message chunks of an SSE body, read as the AI SDK's `DefaultChatTransport` reads
 * them (`parseJsonEventStream` with `uiMessageChunkSchema`): `data:` lines only, `[DONE]`
 * skipped, a line that is not JSON a `JSONParseError`, JSON that is no chunk a
 * `TypeValidationError`, an event over 64 MiB an error. Two differences, for speed: a
 * text, reasoning or tool-input delta with exactly its required fields, nearly all of a
 * stream, is checked in place instead of by the schema (whose validation costs more than
 * the rest of the ingestion path together; `npm run bench ai-sdk`), and the SSE parser
 * runs in the same stream stage as the JSON, saving a stage per chunk.
 */
export function parseUIMessageChunks(body: ReadableStream<Uint8Array>): ReadableStream<UIMessageChunk> {
  let events: string[] = [];
  let failure: ParseError | undefined;
  const parser = createParser({
    onEvent: (event) => events.push(event.data),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') failure ??= error;
    },
    maxBufferSize: LARGEST_EVENT,
  });
  const drain = (controller: TransformStreamDefaultController<UIMessageChunk>) => {
    const taken = events;
    events = [];
    if (failure !== undefined) throw failure;
    return enqueueAll(taken, 0, controller);
  };
  return body.pipeThrough(new TextDecoderStream() as ReadableWritablePair<string, Uint8Array>).pipeThrough(
    new TransformStream<string, UIMessageChunk>({
      transform(text, controller) {
        parser.feed(text);
        return drain(controller);
      },
    }),
  );
}

/**
 * Enqueues the chunks of `events` from `start` on, in order: synchronously while they are
 * plain deltas, through the schema (asynchronously) from the first that is not.
 */
function enqueueAll(
  events: readonly string[],
  start: number,
  controller: TransformStreamDefaultController<UIMessageChunk>,
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

/** A delta chunk with its string fields and nothing optional: what the schema would pass as it is. */
function isPlainDelta(value: unknown): value is UIMessageChunk {
  if (typeof value !== 'object' || value === null) return false;
  const chunk = value as Record<string, unknown>;
  switch (chunk.type) {
    case 'text-delta':
    case 'reasoning-delta':
      return typeof chunk.id === 'string' && typeof chunk.delta === 'string' && !('providerMetadata' in chunk);
    case 'tool-input-delta':
      return typeof chunk.toolCallId === 'string' && typeof chunk.inputTextDelta === 'string';
    default:
      return false;
  }
}
