import { loadAttachmentBytes, toBase64 } from '@once/agent';
import {
  type CompletionDetails,
  createMessageWriter,
  type MessageWriter,
  type MessageWriterOptions,
  SHUTTING_DOWN,
  type TurnContext,
  type TurnRunner,
} from '@once/producer';
import type { ConversationEventDraft, FinalMessageStatus, JsonObject, MessageError } from '@once/protocol';
import { HttpChatTransport, type UIMessage, type UIMessageChunk } from 'ai';
import { createUIChunkWriter } from '../ui-message/create-ui-chunk-writer.ts';
import { toUIMessages } from '../ui-message/to-ui-messages.ts';
import { describeUpstreamFailure, UpstreamFailure } from './describe-upstream-failure.ts';
import { chunkStreamOf, readUIMessageChunks, type UIMessageChunkReader } from './parse-ui-message-chunks.ts';

/** Default of {@link UIStreamTurnRunnerOptions.timeoutMs}: two minutes. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 120_000;

/** Options of {@link createUIStreamTurnRunner}. */
export interface UIStreamTurnRunnerOptions {
  /** The chat route: any AI SDK route that answers a chat request with a UI message stream. */
  readonly url: string;
  /** Headers sent with every request, e.g. `{ authorization: 'Bearer …' }`. Default: none. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Longest wait for the upstream's next byte, in ms, its response headers included; a
   * quiet upstream ends the message `error`. Default {@link DEFAULT_UPSTREAM_TIMEOUT_MS}.
   */
  readonly timeoutMs?: number;
  /** The fetch the request goes through. Default: the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  readonly writer?: Omit<MessageWriterOptions, 'append'>;
  /** Clock for turn events. Default: `() => new Date()`. */
  readonly now?: () => Date;
}

/**
 * A turn runner that hands each turn to an AI SDK chat route, unchanged: it POSTs the
 * conversation as `DefaultChatTransport` does (through the AI SDK's own `HttpChatTransport`) (`{ id: conversationId, messages:
 * UIMessage[], trigger: 'submit-message' }`, JSON) and writes the UI message stream it
 * answers durably as ONE assistant message, every step of it (see `createUIChunkWriter`).
 * The route runs the model and the tools; Once keeps what it streams.
 *
 * A cancel aborts the request (the message ends `cancelled`, what came is kept); a stop
 * of the daemon ends it `interrupted`. An upstream that cannot be reached, stays quiet
 * for `timeoutMs`, answers non-2xx, sends something that is no UI message chunk, breaks
 * off, sends chunks out of order (a delta before its start) or an `error` chunk ends the
 * message `error` with a sentence naming it.
 */
export function createUIStreamTurnRunner(options: UIStreamTurnRunnerOptions): TurnRunner {
  return (turn) => runUIStreamTurn(turn, options);
}

async function runUIStreamTurn(turn: TurnContext, options: UIStreamTurnRunnerOptions): Promise<void> {
  const { conversationId, turnId, signal } = turn;
  const now = options.now ?? (() => new Date());
  const written: Promise<unknown>[] = [];
  let writer: MessageWriter | undefined;
  const emit = (type: string, data: JsonObject) => {
    // Deltas the writer holds (coalesced) were sent before this event: they go first.
    writer?.sendHeldDeltas();
    const draft = { stream: 'conversation', conversationId, type, ts: now().toISOString(), data };
    const appended = turn.append([draft as ConversationEventDraft]);
    appended.catch(() => undefined);
    written.push(appended);
  };
  let phase = 'thinking';
  const enter = (next: string) => {
    if (next !== phase) emit('activity', { phase: next });
    phase = next;
  };

  emit('turn_start', { turnId, userMessageId: turn.userMessageId });
  emit('activity', { phase });
  writer = createMessageWriter(
    {
      conversationId,
      role: 'assistant',
      turnId,
      ...(turn.replaces === undefined ? {} : { replaces: turn.replaces }),
      ...(turn.clientMessageId === undefined ? {} : { clientMessageId: turn.clientMessageId }),
    },
    // One read of the body brings several deltas once the daemon falls behind the route:
    // they become one event (one row, one frame), which keeps the cost per token falling as
    // the load grows. Each batch's are sent at its end, so a lone delta waits for nothing.
    { ...options.writer, coalesceMs: options.writer?.coalesceMs || 'batch', append: turn.append },
  );
  const chunks = createUIChunkWriter({ writer, emit });
  const request = createUpstreamRequest(options, signal);
  let failure: MessageError | undefined;
  try {
    const body = await request.send(conversationId, await chatMessages(turn));
    // A batch at a time: what one read of the body brought, written in one go.
    for (let batch = await body.next(); batch !== undefined; batch = await body.next()) {
      for (const chunk of batch) {
        try {
          chunks.write(chunk);
        } catch (error) {
          await body.cancel();
          const reason = error instanceof Error ? error.message : String(error);
          throw new UpstreamFailure(
            'provider_error',
            `The upstream ${options.url} sent chunks out of order: ${reason}`,
          );
        }
        const entered = PHASES[chunk.type];
        if (entered !== undefined) enter(entered);
      }
      // The batch's deltas go to the log with its other events, in the same commit.
      writer.sendHeldDeltas();
    }
  } catch (caught) {
    if (!signal.aborted) {
      // A timeout aborts the request; what the fetch throws then says less than the timeout's reason.
      const cause = request.timedOut ?? caught;
      failure = describeUpstreamFailure(cause, { url: options.url, responded: request.responded });
    }
  } finally {
    request.stop();
  }
  chunks.settle();

  const { status, details } = outcome(signal, failure, chunks.ending, options.url);
  await writer.complete(status, details);
  emit('activity', { phase: 'idle' });
  emit('turn_end', { turnId, reason: status });
  await Promise.all(written);
}

/**
 * The conversation as the route's chat request carries it. A user message's files are
 * `file` parts with `data:` URLs of their bytes, as useChat sends the files it is given:
 * the route reads them as it would from the browser, without reaching the daemon. A
 * file whose bytes are gone (deleted) is left out.
 */
async function chatMessages(turn: TurnContext): Promise<UIMessage[]> {
  const bytes = await loadAttachmentBytes(turn.history, turn.readAttachment);
  return toUIMessages(turn.history, undefined, {
    attachmentUrl: (attachment) => {
      const stored = bytes.get(attachment.hash);
      return stored === undefined ? undefined : `data:${attachment.mediaType};base64,${toBase64(stored)}`;
    },
  });
}

/** The activity phase a chunk starts. */
const PHASES: Partial<Record<UIMessageChunk['type'], string>> = {
  'text-start': 'streaming',
  'reasoning-start': 'thinking',
  'tool-input-available': 'tool_running',
};

/**
 * How the message ends: the user or the daemon stopping it; else what the stream said
 * (`finish`, `abort`, `error`), even when the connection failed after it; else the failure.
 */
function outcome(
  signal: AbortSignal,
  failure: MessageError | undefined,
  ending: ReturnType<typeof createUIChunkWriter>['ending'],
  url: string,
): { status: FinalMessageStatus; details: CompletionDetails } {
  if (signal.aborted) return { status: signal.reason === SHUTTING_DOWN ? 'interrupted' : 'cancelled', details: {} };
  if (ending === undefined && failure !== undefined) return { status: 'error', details: { error: failure } };
  if (ending === undefined) {
    const message = `The upstream ${url} ended its stream without a finish chunk.`;
    return { status: 'error', details: { error: { code: 'provider_error', message } } };
  }
  if (ending.status === 'error') {
    const message = `The upstream ${url} sent an error: ${ending.error.message}`;
    return { status: 'error', details: { error: { ...ending.error, message } } };
  }
  if (ending.status === 'cancelled') return { status: 'cancelled', details: {} };
  return { status: 'complete', details: ending.stopReason === undefined ? {} : { stopReason: ending.stopReason } };
}

/**
 * `DefaultChatTransport`'s request (the AI SDK's own `HttpChatTransport`) with a faster
 * reader of the same wire format (see {@link readUIMessageChunks}), which tells
 * `onBytes` of every piece of the body it reads.
 */
class UIStreamTransport extends HttpChatTransport<UIMessage> {
  readonly #onBytes: () => void;
  /**
   * The reader of the last response's body. The turn reads it a batch at a time rather
   * than through the stream `sendMessages` returns (a promise round trip per chunk).
   */
  chunks: UIMessageChunkReader | undefined;

  constructor(options: ConstructorParameters<typeof HttpChatTransport<UIMessage>>[0], onBytes: () => void) {
    super(options);
    this.#onBytes = onBytes;
  }

  protected override processResponseStream(stream: ReadableStream<Uint8Array>): ReadableStream<UIMessageChunk> {
    this.chunks = readUIMessageChunks(stream, this.#onBytes);
    return chunkStreamOf(this.chunks);
  }
}

/**
 * One chat request, as `DefaultChatTransport` sends it, aborted by the turn's signal or
 * by `timeoutMs` without a byte from the upstream.
 */
function createUpstreamRequest(options: UIStreamTurnRunnerOptions, signal: AbortSignal) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // Called for every piece of the body: re-arming one timer is far cheaper than a new one each time.
  const touch = () => {
    if (stopped) return;
    if (timer !== undefined) {
      timer.refresh();
      return;
    }
    timer = setTimeout(() => {
      idle.abort(new UpstreamFailure('timeout', `The upstream ${options.url} sent nothing for ${timeoutMs} ms.`));
    }, timeoutMs);
  };
  const state = { responded: false };
  const baseFetch = options.fetch ?? globalThis.fetch;

  /** Checks the answer is an event stream and restarts the idle timer on every byte of it. */
  const watchedFetch: typeof globalThis.fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    touch();
    if (!response.ok || response.body === null) return response;
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream')) {
      await response.body.cancel();
      throw new UpstreamFailure(
        'provider_error',
        `The upstream ${options.url} answered with ${type === '' ? 'no content-type' : type}, not a UI message stream (text/event-stream).`,
      );
    }
    state.responded = true;
    // The body's reader (readUIMessageChunks) touches the timer on every piece it reads.
    return response;
  };

  const transport = new UIStreamTransport(
    {
      api: options.url,
      ...(options.headers === undefined ? {} : { headers: { ...options.headers } }),
      fetch: watchedFetch,
    },
    touch,
  );

  return {
    get responded() {
      return state.responded;
    },
    /** The timeout's failure, once the upstream stayed quiet too long. */
    get timedOut(): unknown {
      return idle.signal.aborted ? idle.signal.reason : undefined;
    },
    /** Sends the request; the answer's chunks, read a batch at a time. */
    async send(chatId: string, messages: ReturnType<typeof toUIMessages>): Promise<UIMessageChunkReader> {
      touch();
      // The stream it returns goes unread: `transport.chunks` reads the same body.
      await transport.sendMessages({
        trigger: 'submit-message',
        chatId,
        messageId: undefined,
        messages,
        abortSignal: AbortSignal.any([signal, idle.signal]),
      });
      if (transport.chunks === undefined) throw new Error('The transport read no response body.');
      return transport.chunks;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
