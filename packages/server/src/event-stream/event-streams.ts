import type { StreamKey } from '@once/log';
import type { Offset } from '@once/protocol';
import type { EventFeed, FeedReader } from '../feed/event-feed.ts';
import type { FeedEntry } from '../feed/feed-entry.ts';
import { frameAfter } from './compact-frames.ts';
import type { OpenStream, SseConnections } from './sse-connections.ts';
import { heartbeatFrame, readyFrame, resetFrame, retryFrame } from './sse-frames.ts';
import type { SseSink } from './sse-sink.ts';

/** Options of {@link createEventStreams}, shared by every stream it opens. */
export interface EventStreamsOptions {
  readonly feed: EventFeed;
  readonly connections: SseConnections;
  /** Events read and written per socket write, at most. Default 500. */
  readonly batchSize?: number;
  /** Told how many events were written, for metrics. */
  readonly onSent?: (count: number) => void;
  /** Told of each stream that opened, and its transport, for metrics. */
  readonly onOpened?: (transport: SseSink['transport']) => void;
  /** Told when reading the log failed; that stream ends and its client resumes later. */
  readonly onError?: (error: unknown) => void;
}

/**
 * The wire form of a stream: `full`, every event's envelope as stored; `compact`, block
 * deltas that follow their block's previous event as short frames (decision 019,
 * `@once/protocol`'s `compactDelta`), every other event in full.
 */
export type StreamFormat = 'full' | 'compact';

/** Opens SSE streams; see {@link EventStreams.open}. */
export interface EventStreams {
  /**
   * Serves one SSE connection on `sink`: replays the events after `cursor` (the
   * offset of the last event the client has; `'tail'` for only new ones), sends `ready`,
   * then follows the stream live until the client leaves or the daemon stops. Returns at
   * once; nothing needs to wait for the stream. `format` is the wire form (default `full`).
   */
  open(sink: SseSink, stream: StreamKey, cursor: Offset | 'tail', format?: StreamFormat): void;
}

interface Shared {
  readonly feed: EventFeed;
  readonly connections: SseConnections;
  readonly batchSize: number;
  readonly onSent: ((count: number) => void) | undefined;
  readonly onOpened: ((transport: SseSink['transport']) => void) | undefined;
  readonly onError: ((error: unknown) => void) | undefined;
}

/** Creates the opener of SSE streams; one per server, so its options are shared, not copied. */
export function createEventStreams(options: EventStreamsOptions): EventStreams {
  const shared: Shared = {
    feed: options.feed,
    connections: options.connections,
    batchSize: options.batchSize ?? 500,
    onSent: options.onSent,
    onOpened: options.onOpened,
    onError: options.onError,
  };
  return {
    open(sink, stream, cursor, format = 'full') {
      new EventStream(shared, sink, stream, cursor, format === 'compact').open();
    },
  };
}

/**
 * One SSE connection, as a small state machine rather than an async loop, so that an
 * idle connection holds this object and nothing else of its own (no pending promise,
 * no closure, no abort controller): it waits in the feed as a {@link FeedReader}.
 *
 *   opening ──head──► replaying ──caught up: ready──► live
 *      │                 │   ▲                          │  ▲
 *      │ cursor > head   │   └──(socket full: drain)    │  └─ waiting in the feed, woken on commit
 *      ▼                 ▼                              ▼
 *   reset, closed ◄── finished (clean stop) / client left / error ── closed
 *
 * It pulls from the feed only when the socket has room, so a slow consumer costs one
 * batch of memory, never a growing queue; when it drains, it continues from its own
 * cursor, reading the log if memory no longer holds those events. When the daemon stops
 * cleanly (`finish`), it first sends every event committed so far, so a connected client
 * sees the end of the turns the stop interrupted.
 */
class EventStream implements OpenStream, FeedReader {
  /** The offset of the last event written; -1 until the head is known when following the tail. */
  cursor: number;
  private phase: 'opening' | 'replaying' | 'live' | 'closed' = 'opening';
  /** What the stream is doing right now: at most one read or drain wait at a time. */
  private busy: 'idle' | 'pumping' | 'draining' = 'idle';
  /** Set by a clean stop: send events up to this offset, then end. */
  private finishAt: number | undefined;
  /** Resolves the promise of `finish`. */
  private onFinished: (() => void) | undefined;

  private readonly shared: Shared;
  private readonly sink: SseSink;
  private readonly stream: StreamKey;
  /** Whether the client asked for the compact form. */
  private readonly compact: boolean;
  /** The last event written, while compact: a short frame needs its predecessor sent on this connection. */
  private previous: FeedEntry | undefined;

  constructor(shared: Shared, sink: SseSink, stream: StreamKey, cursor: Offset | 'tail', compact: boolean) {
    this.shared = shared;
    this.sink = sink;
    this.stream = stream;
    this.cursor = cursor === 'tail' ? -1 : cursor;
    this.compact = compact;
  }

  open(): void {
    const { feed, connections, onOpened } = this.shared;
    // The client left while its request was checked: its 'close' has come and gone.
    if (!this.sink.writable) return;
    connections.add(this.sink, this);
    onOpened?.(this.sink.transport);
    // Watch before reading the head, so no commit falls between the two.
    feed.watch(this.stream);
    feed.head(this.stream).then(
      (head) => this.start(head),
      (error: unknown) => this.fail(error),
    );
  }

  heartbeat(): void {
    // A stream whose socket is full is not idle; it needs no heartbeat.
    if ((this.phase === 'replaying' || this.phase === 'live') && !this.sink.full) {
      this.sink.write(heartbeatFrame(this.cursor));
    }
  }

  finish(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.onFinished = resolve;
      if (this.phase === 'closed') return;
      this.shared.feed.head(this.stream).then(
        (head) => {
          this.finishAt = head;
          this.pump();
        },
        (error: unknown) => this.fail(error),
      );
    });
  }

  end(): void {
    this.stop();
  }

  closed(): void {
    this.stop();
    this.onFinished?.();
    this.onFinished = undefined;
  }

  drained(): void {
    if (this.busy !== 'draining') return;
    this.busy = 'idle';
    this.pump();
  }

  wake(): void {
    this.pump();
  }

  private start(head: number): void {
    if (this.phase !== 'opening') return;
    const { sink } = this;
    sink.open();
    if (this.cursor > head) {
      sink.end(resetFrame(head));
      this.stop();
      return;
    }
    if (this.cursor === -1) this.cursor = head;
    this.phase = 'replaying';
    sink.write(retryFrame(1000));
    this.pump();
  }

  /** Writes what the feed holds after the cursor until caught up, the socket is full, or the stream ends. */
  private pump(): void {
    if (this.busy !== 'idle' || this.phase === 'opening' || this.phase === 'closed') return;
    if (this.sink.full) {
      this.busy = 'draining';
      this.shared.connections.waitForDrain(this.sink);
      return;
    }
    this.busy = 'pumping';
    this.run(undefined);
  }

  /**
   * The pump's loop. It runs synchronously while the feed's memory holds what comes next
   * (a live stream woken by a commit: no promise per event); when the events must be read
   * from the log, it returns and the read continues it with `read`.
   */
  private run(read: readonly FeedEntry[] | undefined): void {
    const { feed, connections, batchSize } = this.shared;
    const { sink, stream } = this;
    // The log's page, used by the first pass only: every later pass reads afresh.
    let page = read;
    try {
      while (this.finishAt === undefined || this.cursor < this.finishAt) {
        if (this.hasStopped()) break;
        const entries = page ?? feed.readRecent(stream, this.cursor as Offset, batchSize);
        page = undefined;
        if (entries === undefined) {
          feed.read(stream, this.cursor as Offset, batchSize).then(
            (next) => this.continueWith(next),
            (error: unknown) => this.failWhilePumping(error),
          );
          return; // still pumping: the read continues the loop
        }
        if (entries.length > 0) {
          if (!this.send(entries)) {
            this.busy = 'draining';
            connections.waitForDrain(sink);
            return;
          }
          continue;
        }
        if (this.finishAt !== undefined) break;
        if (this.phase === 'replaying') {
          this.phase = 'live';
          sink.write(readyFrame(this.cursor));
        }
        // Caught up: wait in the feed, which calls wake() on the next commit.
        if (!feed.waitForCommit(stream, this)) {
          this.busy = 'idle';
          return;
        }
      }
      if (!this.hasStopped()) this.stop();
    } catch (error) {
      this.fail(error);
    }
    this.busy = 'idle';
  }

  /** Goes on with a page read from the log, unless the stream stopped while it was read. */
  private continueWith(page: readonly FeedEntry[]): void {
    if (this.hasStopped()) {
      this.busy = 'idle';
      return;
    }
    this.run(page);
  }

  private failWhilePumping(error: unknown): void {
    this.fail(error);
    this.busy = 'idle';
  }

  /** Writes the events' frames as one chunk; false when the socket is full. */
  private send(entries: readonly FeedEntry[]): boolean {
    let chunk = '';
    if (this.compact) {
      let previous = this.previous;
      for (const entry of entries) {
        chunk += previous === undefined ? entry.frame : frameAfter(previous, entry);
        previous = entry;
      }
      this.previous = previous;
    } else {
      for (const entry of entries) chunk += entry.frame;
    }
    this.cursor = entries[entries.length - 1]?.offset ?? this.cursor;
    this.shared.onSent?.(entries.length);
    return this.sink.write(chunk);
  }

  /** Whether the stream stopped meanwhile (a method, so TypeScript does not narrow it away). */
  private hasStopped(): boolean {
    return this.phase === 'closed';
  }

  private fail(error: unknown): void {
    if (this.phase === 'closed') return;
    this.shared.onError?.(error);
    this.stop();
  }

  /** Stops following the stream and ends the body; its sink's 'close' event comes after. */
  private stop(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.previous = undefined;
    this.shared.feed.unwatch(this.stream, this);
    // Unless the client is gone, or the body already ended (reset, or a finished stream).
    if (this.sink.writable) this.sink.end();
  }
}
