import type { ConversationClient } from '@once/client';
import type { ConversationState } from '@once/core';
import type { MessageSnapshot } from '@once/protocol';
import type { UIMessageChunk } from 'ai';
import type { UIPartEvent } from '../ui-message/ui-part-events.ts';
import { createUIChunkProjector, type UIChunkProjector } from './create-ui-chunk-projector.ts';

/**
 * Ends a stream whose message the client had to resync to a state that does not extend
 * what the stream showed (the daemon's store was restored, say): more chunks cannot fix
 * the UI message, only a rebuild from its `start` can. It is a `TypeError` whose message
 * says `network`, which is how the AI SDK's `Chat` recognises a dropped stream it may
 * resume: `resumeStream()` (or `useChat({ resume: true })` when the tab becomes visible)
 * then calls `reconnectToStream`, which replays the message whole.
 */
export class MessageRebuildError extends TypeError {
  /** The message to rebuild. */
  readonly messageId: string;
  constructor(messageId: string) {
    super(
      `Once resynced message ${messageId} after a network or store change, and it no longer extends what was shown; resume the stream to rebuild it.`,
    );
    this.name = 'MessageRebuildError';
    this.messageId = messageId;
  }
}

/** What {@link streamAssistantMessage} follows, and how. */
export interface AssistantMessageStreamOptions {
  readonly conversation: ConversationClient;
  /** The conversation's app events for step boundaries and data parts, or `undefined` to infer steps. */
  readonly partEvents: () => readonly UIPartEvent[] | undefined;
  /**
   * The message to show, read from the store: the message, `wait` while it has not
   * opened, `gone` when it never will (its turn ended without it).
   */
  readonly select: (state: ConversationState) => MessageSnapshot | 'wait' | 'gone';
  /** When the message is `gone`: an `error` chunk with this text, or (`undefined`) a quiet end. */
  readonly goneText?: string;
  /** Told when the stream ended with a {@link MessageRebuildError}. */
  readonly onDiverged: (messageId: string) => void;
  /** Aborting it ends the stream (the consumer stops reading) and calls `onAbort`. */
  readonly signal?: AbortSignal | undefined;
  readonly onAbort?: () => void;
}

/** A stream that is running, and the way to end it from outside. */
export interface AssistantMessageStream {
  readonly stream: ReadableStream<UIMessageChunk>;
  /** Ends the stream with `reason` (an error the consumer sees) unless it ended already. */
  end(reason: Error): void;
  /** Settles once the stream ended, however. */
  readonly ended: Promise<void>;
}

/**
 * A UI message chunk stream of one assistant message as the conversation's store holds
 * it: every store change is projected (see `createUIChunkProjector`), only what is new
 * is sent, and the stream closes after the message's ending chunk. The client under it
 * does the rest — snapshot bootstrap, reconnects with `Last-Event-ID`, gap recovery — so
 * a drop or a duplicate never reaches the stream: it sees only states of the store.
 */
export function streamAssistantMessage(options: AssistantMessageStreamOptions): AssistantMessageStream {
  const { conversation, signal } = options;
  let controller: ReadableStreamDefaultController<UIMessageChunk> | undefined;
  let projector: UIChunkProjector | undefined;
  let finished = false;
  let scheduled = false;
  let settle = () => {};
  const ended = new Promise<void>((resolve) => {
    settle = resolve;
  });

  const finish = (how: () => void) => {
    if (finished) return;
    finished = true;
    unsubscribe();
    signal?.removeEventListener('abort', aborted);
    try {
      how();
    } catch {
      // The consumer cancelled first: there is nothing left to close.
    }
    settle();
  };

  const update = () => {
    scheduled = false;
    if (finished || controller === undefined) return;
    const selected = options.select(conversation.store.getSnapshot());
    if (selected === 'wait') return;
    const stream = controller;
    if (selected === 'gone') {
      const { goneText } = options;
      if (goneText !== undefined) stream.enqueue({ type: 'error', errorText: goneText });
      finish(() => stream.close());
      return;
    }
    projector ??= createUIChunkProjector(selected.id);
    const chunks = projector.next(selected, options.partEvents());
    if (projector.diverged) {
      options.onDiverged(selected.id);
      finish(() => stream.error(new MessageRebuildError(selected.id)));
      return;
    }
    for (const chunk of chunks) stream.enqueue(chunk);
    if (projector.ended) finish(() => stream.close());
  };

  // A microtask later, not in the store's listener: the client offers each event to the
  // app domains right after the store took it, and both must be read at the same event.
  const schedule = () => {
    if (scheduled || finished) return;
    scheduled = true;
    queueMicrotask(update);
  };
  const unsubscribe = conversation.store.subscribe(schedule);
  const aborted = () => {
    options.onAbort?.();
    finish(() => controller?.close());
  };
  signal?.addEventListener('abort', aborted, { once: true });

  const stream = new ReadableStream<UIMessageChunk>({
    start(started) {
      controller = started;
      if (signal?.aborted === true) aborted();
      else schedule();
    },
    cancel() {
      finish(() => {});
    },
  });
  return { stream, end: (reason) => finish(() => controller?.error(reason)), ended };
}
