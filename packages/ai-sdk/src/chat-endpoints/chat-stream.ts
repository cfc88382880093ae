import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { type ConversationState, createConversationState, reduce } from '@once/core';
import type { BlockDeltaEvent, ConversationId, IncomingEvent, Offset } from '@once/protocol';
import type { EventFeed, FeedEntry, OpenStream, SseConnections } from '@once/server';
import { UI_MESSAGE_STREAM_HEADERS } from 'ai';
import { createUIChunkProjector, type UIChunkProjector } from '../chat/index.ts';
import { isDataPartEvent, isStepStartEvent, type UIPartEvent } from '../ui-message/ui-part-events.ts';
import { chunkFrame, DONE_FRAME, KEEP_ALIVE_FRAME } from './ui-message-stream-frames.ts';

/** Options of {@link ChatStream}. */
export interface ChatStreamOptions {
  readonly feed: EventFeed;
  readonly connections: SseConnections;
  readonly conversationId: ConversationId;
  readonly response: ServerResponse;
  /** Headers already set on the reply (CORS, by hooks), sent with the stream's own. */
  readonly headers: Record<string, OutgoingHttpHeaders[string] | number>;
  /** Told when reading the log failed; the stream ends with an `error` chunk. */
  readonly onError: (error: unknown) => void;
}

const PAGE = 500;

/**
 * One AI SDK stream: a turn of one conversation as a UI message stream. It folds the
 * conversation's events from the start with the clients' reducer, so the first chunks
 * rebuild the turn's assistant message so far (`start` with its id, each part's content),
 * then it follows the event feed live and sends what each commit adds, until the turn
 * ends: then `[DONE]`, and the response ends.
 *
 *   catching up ──follow(turn)──► streaming ──turn_end──► [DONE], closed
 *        │ (no turn: the route answers 204)   │ client left: closed (the turn keeps running)
 *        ▼                                    │ daemon stops: what is committed (the turn's
 *      closed ◄───────────────────────────────┘ `interrupted` end), [DONE], closed
 *
 * Unlike the daemon's own event streams (one small object per idle connection), this is
 * an async loop: AI SDK streams live for one turn, not for the life of a page.
 */
export class ChatStream implements OpenStream {
  private state: ConversationState;
  /** The offset of the last event folded (`FeedReader`). */
  cursor = 0;
  private phase: 'catching-up' | 'streaming' | 'closed' = 'catching-up';
  /** Turns whose `turn_end` has been folded. */
  private readonly ended = new Set<string>();
  /** The conversation's step starts and data parts, every message's, in log order. */
  private readonly partEvents: UIPartEvent[] = [];
  private projector: UIChunkProjector | undefined;
  /**
   * What the events folded since the last send did: when all of them were text deltas of
   * one block, that block and the text they appended (the projector then needs only the
   * text, see `UIChunkProjector.appended`); null once any other event was folded (or
   * before the first send); undefined when nothing was folded, so there is nothing to send.
   */
  private appended: { readonly messageId: string; readonly blockIndex: number; text: string } | null | undefined = null;
  /** Set by a clean stop: deliver up to this offset, then end. */
  private finishAt: number | undefined;
  private onFinished: (() => void) | undefined;
  /** Resolves the wait for the next commit, a drain, or a stop. */
  private waiting: (() => void) | undefined;
  private readonly options: ChatStreamOptions;
  private readonly emitter: { readonly emitter: ServerResponse };
  private readonly stream;

  constructor(options: ChatStreamOptions) {
    this.options = options;
    this.state = createConversationState(options.conversationId);
    this.emitter = { emitter: options.response };
    this.stream = { stream: 'conversation', conversationId: options.conversationId } as const;
    // Watched before the first read, so no commit falls between reading and waiting.
    options.feed.watch(this.stream);
  }

  /** The conversation this stream reads. */
  get conversationId(): ConversationId {
    return this.options.conversationId;
  }

  /** Folds the conversation up to its head. @returns the state there. */
  async catchUp(): Promise<ConversationState> {
    for (;;) {
      const entries = await this.options.feed.read(this.stream, this.cursor as Offset, PAGE);
      if (entries.length === 0) return this.state;
      this.fold(entries);
    }
  }

  /**
   * The turn of the user message sent with `clientMessageId`: as soon as that message is
   * in the log, or what `sent` resolves with if it settles first.
   *
   * Sending stores the message and starts its turn, then moves the conversation up the
   * account's list, under the account's lock: with many chats starting at once, that
   * waits its turn behind all of theirs while the answer is already streaming into the
   * log. Following from the message itself spares the reader that wait.
   * @throws what `sent` rejects with, when it does before the message is in the log.
   */
  async turnOf(clientMessageId: string, sent: Promise<{ readonly turnId: string }>): Promise<string> {
    let settled: { readonly turnId: string } | { readonly error: unknown } | undefined;
    const settling = sent.then(
      ({ turnId }) => {
        settled = { turnId };
      },
      (error: unknown) => {
        settled = { error };
      },
    );
    for (;;) {
      const state = await this.catchUp();
      const message = state.messages.find(
        (entry) => entry.role === 'user' && entry.clientMessageId === clientMessageId,
      );
      if (message !== undefined) return message.turnId;
      const outcome = settled as { readonly turnId: string } | { readonly error: unknown } | undefined;
      if (outcome !== undefined) {
        if ('error' in outcome) throw outcome.error;
        return outcome.turnId;
      }
      await Promise.race([this.nextCommit(), settling]);
    }
  }

  /** Gives up before sending anything (the route answers otherwise, e.g. 204). */
  abandon(): void {
    this.close();
  }

  /**
   * Sends the 200 head and the turn's message so far, then follows it live until the
   * turn ends, the client leaves, or the daemon stops. Resolves when the stream is over.
   */
  async follow(turnId: string): Promise<void> {
    const { response, connections } = this.options;
    if (this.phase !== 'catching-up') return;
    // The client left while its request was handled: its 'close' has come and gone.
    if (response.destroyed) {
      this.close();
      return;
    }
    response.writeHead(200, { ...this.options.headers, ...UI_MESSAGE_STREAM_HEADERS });
    this.phase = 'streaming';
    connections.add(this.emitter, this);
    try {
      for (;;) {
        if (!(await this.send(turnId))) return;
        if (this.ended.has(turnId)) break;
        const entries = await this.options.feed.read(this.stream, this.cursor as Offset, PAGE);
        if (this.isClosed()) return;
        if (entries.length > 0) {
          this.fold(entries);
          // A full page may have more behind it; a short one reached the head, so after
          // sending, the next read waits for a commit (the wait returns at once if one came).
          if (entries.length === PAGE) continue;
          if (!(await this.send(turnId))) return;
          if (this.ended.has(turnId)) break;
        }
        // Stopping, and everything committed is sent; the turn runs on elsewhere: no [DONE].
        if (this.finishAt !== undefined && this.cursor >= this.finishAt) {
          this.close();
          return;
        }
        await this.nextCommit();
        if (this.isClosed()) return;
      }
      response.end(DONE_FRAME);
      this.close();
    } catch (error) {
      if (!(error instanceof DivergedError)) this.options.onError(error);
      if (!this.isClosed()) {
        const errorText =
          error instanceof DivergedError ? error.message : 'The daemon could not read this conversation; reload it.';
        response.end(chunkFrame({ type: 'error', errorText }));
      }
      this.close();
    }
  }

  heartbeat(): void {
    if (this.phase === 'streaming' && !this.options.response.writableNeedDrain) {
      this.options.response.write(KEEP_ALIVE_FRAME);
    }
  }

  finish(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.phase === 'closed') {
        resolve();
        return;
      }
      this.onFinished = resolve;
      this.options.feed.head(this.stream).then(
        (head) => {
          this.finishAt = head;
          this.resume();
        },
        () => this.end(),
      );
    });
  }

  end(): void {
    if (this.phase === 'closed') return;
    this.options.response.end();
    this.close();
  }

  closed(): void {
    this.close();
  }

  drained(): void {
    this.resume();
  }

  /** The feed's wake-up: a commit came (see `FeedReader`). */
  wake(): void {
    this.resume();
  }

  private fold(entries: readonly FeedEntry[]): void {
    for (const entry of entries) {
      // This daemon's own commits come as objects (decision 031); others are parsed.
      const event = (entry.event ?? JSON.parse(entry.json)) as IncomingEvent;
      this.state = reduce(this.state, event);
      if (this.state.resync !== undefined) throw new Error(this.state.resync.detail);
      this.cursor = entry.offset;
      if (event.type === 'block_delta') {
        this.noteDelta(event as BlockDeltaEvent);
        continue;
      }
      this.appended = null;
      const part = { type: event.type, data: (event as { data?: unknown }).data };
      if (isStepStartEvent(part) || isDataPartEvent(part)) {
        this.partEvents.push(part);
      } else if (event.type === 'turn_end') {
        this.ended.add((event.data as { turnId: string }).turnId);
      }
    }
  }

  /** Keeps {@link appended} up to date with a folded delta. */
  private noteDelta(event: BlockDeltaEvent): void {
    const text = 'text' in event.data ? event.data.text : undefined;
    const appended = this.appended;
    if (appended === null) return;
    if (text === undefined) {
      this.appended = null;
    } else if (appended === undefined) {
      this.appended = { messageId: event.messageId, blockIndex: event.blockIndex, text };
    } else if (appended.messageId === event.messageId && appended.blockIndex === event.blockIndex) {
      appended.text += text;
    } else {
      this.appended = null;
    }
  }

  /** Writes what the turn's message gained. @returns false once the stream closed. */
  private async send(turnId: string): Promise<boolean> {
    const appended = this.appended;
    // Woken by a commit, a drain or a stop with nothing new folded: the message is as sent.
    if (appended === undefined) return true;
    this.appended = undefined;
    // The turn's answer is among the last messages: searched from the end.
    const message = this.state.messages.findLast((entry) => entry.role === 'assistant' && entry.turnId === turnId);
    // Nothing before the first block: by then a route's step start (written before the
    // block) is in the log, so the projector is given the same kind of events every call.
    if (message === undefined || (message.blocks.length === 0 && message.status === 'streaming')) return true;
    this.projector ??= createUIChunkProjector(message.id);
    // Most sends are text deltas of the block being written: their chunk is their text.
    const delta =
      appended?.messageId === message.id && appended.blockIndex === message.blocks.length - 1
        ? this.projector.appended(message, appended.text)
        : undefined;
    // Step boundaries and data parts are in the log when an AI SDK route answered (the
    // ui-stream provider); Once's own tool loop writes none, and its steps are inferred,
    // as `toUIMessages(messages)` does.
    const chunks =
      delta !== undefined
        ? [delta]
        : this.projector.next(message, this.partEvents.length > 0 ? this.partEvents : undefined);
    if (this.projector.diverged) {
      // A UI message stream cannot take parts back: say so rather than show a wrong message.
      throw new DivergedError();
    }
    if (chunks.length === 0) return true;
    let frames = '';
    for (const chunk of chunks) frames += chunkFrame(chunk);
    if (this.options.response.write(frames)) return true;
    // The socket is full: read nothing more until it drains.
    await new Promise<void>((resolve) => {
      this.waiting = resolve;
      this.options.connections.waitForDrain(this.emitter);
    });
    return !this.isClosed();
  }

  private nextCommit(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting = resolve;
      if (this.options.feed.waitForCommit(this.stream, this)) this.resume();
    });
  }

  private resume(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  /** Whether the stream closed while the loop awaited (a method, so TypeScript does not narrow it away). */
  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  private close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.options.feed.unwatch(this.stream, this);
    this.resume();
    this.onFinished?.();
    this.onFinished = undefined;
  }
}

/** The message on the server is no longer an extension of what this stream sent. */
class DivergedError extends Error {
  constructor() {
    super('The message changed on the server in a way this stream cannot show; reload the chat.');
  }
}
