import { createConversationState, reduce } from '@once/core';
import {
  type Attachment,
  type BlockCloseData,
  type BlockDeltaData,
  type BlockOpenData,
  type ClientMessageId,
  type ConversationEventDraft,
  type ConversationId,
  newId as defaultNewId,
  type FinalMessageStatus,
  type IncomingEvent,
  isOnceError,
  MESSAGE_LEVEL,
  type MessageError,
  type MessageId,
  type MessageSnapshot,
  OnceError,
  type Role,
  type TurnId,
  type Usage,
} from '@once/protocol';
import { type CoalesceWindow, createDeltaCoalescer } from './delta-coalescer.ts';

/** Hands drafts to the log, in call order; resolves once they are committed. */
export type AppendDrafts = (drafts: readonly ConversationEventDraft[]) => Promise<unknown>;

/** Options shared by every way of creating a {@link MessageWriter}. */
export interface MessageWriterOptions {
  readonly append: AppendDrafts;
  /** Id source for the message; default: the process's monotonic UUIDv7 generator. */
  readonly newId?: () => string;
  /** Clock for event timestamps; default: `() => new Date()`. */
  readonly now?: () => Date;
  /**
   * Deltas of one block (text or tool-input JSON) that arrive within this many
   * milliseconds become one event. Fewer, larger events mean fewer commits and less
   * per-event overhead for every reader; the price is up to this much extra latency
   * before readers see a token. `'batch'`: held until {@link MessageWriter.sendHeldDeltas}
   * or the message's next other event (a writer fed by an upstream's body merges what one
   * read of it brought, and waits for nothing). Default 0: every delta is its own event.
   */
  readonly coalesceMs?: CoalesceWindow;
}

/** What a new message is. */
export interface NewMessage {
  readonly conversationId: ConversationId;
  readonly role: Role;
  readonly turnId: TurnId;
  readonly clientMessageId?: ClientMessageId;
  /**
   * The message this one is an alternative to (a regenerated answer, an edited user
   * message: docs/decisions/022-branches.md). Default none: it continues the current path.
   */
  readonly replaces?: MessageId;
  /**
   * With `replaces`: that message's parent (null: the conversation's start), so a reader
   * that does not hold the replaced message (a history page) still places this one.
   * Default none: readers derive it from the replaced message.
   */
  readonly parentId?: MessageId | null;
  /** Files sent with the message, opened with it (user messages). Default none. */
  readonly attachments?: readonly Attachment[];
}

/** How a message ended, beyond its status. */
export interface CompletionDetails {
  readonly stopReason?: string;
  readonly usage?: Usage;
  readonly error?: MessageError;
}

/**
 * Writes one message to the log: assigns `seq` numbers, keeps the message's snapshot by
 * folding its own events with the core reducer, and ends it with exactly one
 * `message_complete` carrying that snapshot.
 *
 *   open ──openBlock/appendDelta/closeBlock──► open ──complete()──► completed
 */
export interface MessageWriter {
  /** The id every reader will see, assigned when the message opened. */
  readonly messageId: MessageId;
  /** Opens the next block and returns its index. */
  openBlock(data: BlockOpenData): number;
  appendDelta(blockIndex: number, data: BlockDeltaData): void;
  closeBlock(blockIndex: number, data?: BlockCloseData): void;
  /** Closes blocks still open, writes `message_complete`, waits for every commit. */
  complete(status: FinalMessageStatus, details?: CompletionDetails): Promise<MessageSnapshot>;
  /** Resolves when everything written so far is committed; rejects if an append failed. */
  flush(): Promise<void>;
  /**
   * Writes the deltas held for coalescing (`coalesceMs`) now, without waiting for their
   * commit: for a caller that knows no more are coming in this batch, or that is about to
   * write an event of its own (not through this writer) that must follow them.
   */
  sendHeldDeltas(): void;
  /** The message as written so far. */
  snapshot(): MessageSnapshot;
  /** True once `complete` was called. */
  readonly completed: boolean;
}

/** Opens a new message now (its `message_open` is written at once) and returns its writer. */
export function createMessageWriter(message: NewMessage, options: MessageWriterOptions): MessageWriter {
  const messageId = (options.newId ?? defaultNewId)() as MessageId;
  const writer = writerFor(message.conversationId, messageId, createConversationState(message.conversationId), options);
  writer.write([
    {
      stream: 'conversation',
      conversationId: message.conversationId,
      type: 'message_open',
      messageId,
      blockIndex: -1,
      seq: 0,
      ts: '',
      data: {
        role: message.role,
        turnId: message.turnId,
        ...(message.clientMessageId === undefined ? {} : { clientMessageId: message.clientMessageId }),
        ...(message.replaces === undefined ? {} : { replaces: message.replaces }),
        ...(message.replaces === undefined || message.parentId === undefined ? {} : { parentId: message.parentId }),
        ...(message.attachments === undefined || message.attachments.length === 0
          ? {}
          : { attachments: [...message.attachments] }),
      },
    },
  ]);
  return writer.api;
}

/**
 * Continues a message that is already in the log, from its snapshot — how the daemon
 * closes messages a crash left streaming.
 */
export function resumeMessageWriter(message: MessageSnapshot, options: MessageWriterOptions): MessageWriter {
  const state = { ...createConversationState(message.conversationId), messages: [message] };
  return writerFor(message.conversationId, message.id, state, options).api;
}

function writerFor(
  conversationId: ConversationId,
  messageId: MessageId,
  initial: ReturnType<typeof createConversationState>,
  options: MessageWriterOptions,
) {
  const now = options.now ?? (() => new Date());
  let state = initial;
  let localOffset = 0;
  let completed = false;
  let failure: unknown;
  const inflight = new Set<Promise<unknown>>();

  const current = (): MessageSnapshot => {
    const message = state.messages[0];
    if (message === undefined) throw new OnceError('internal', `Message ${messageId} has no snapshot.`);
    return message;
  };

  /** Stamps drafts with seq and time, folds them, and sends them to the log as one batch. */
  const write = (drafts: ConversationEventDraft[]) => {
    const ts = now().toISOString();
    const stamped = drafts.map((draft) => {
      const seq = 'seq' in draft ? (state.messages[0]?.watermarks[draft.blockIndex] ?? 0) + 1 : undefined;
      const event = { ...draft, ts, ...(seq === undefined ? {} : { seq }) } as ConversationEventDraft;
      localOffset += 1;
      const next = reduce(state, { ...event, offset: localOffset } as IncomingEvent);
      if (next.resync !== undefined) {
        throw new OnceError('invalid_event', `Message ${messageId} cannot take ${draft.type}: ${next.resync.detail}`);
      }
      state = next;
      return event;
    });
    // One promise per write (a streamed message writes one per token): no `finally` on top.
    const appended: Promise<void> = options.append(stamped).then(
      () => {
        inflight.delete(appended);
      },
      (error: unknown) => {
        failure ??= error;
        inflight.delete(appended);
      },
    );
    inflight.add(appended);
  };

  // `type` right after the stream fields: the log stores a draft in that order as it is.
  const scoped = <T extends string, B extends number>(type: T, blockIndex: B) => ({
    stream: 'conversation' as const,
    conversationId,
    type,
    messageId,
    blockIndex,
    seq: 0,
    ts: '',
  });

  const ensureWritable = () => {
    if (failure !== undefined) throw writeFailed('An earlier write of this message failed', failure);
    if (completed) throw new OnceError('conflict', `Message ${messageId} is already complete.`);
  };

  /** A block takes deltas and its close only while open; checked now, not when a coalesced delta is emitted. */
  const ensureOpen = (blockIndex: number) => {
    if (current().blocks[blockIndex]?.status !== 'open') {
      throw new OnceError('invalid_event', `Message ${messageId} has no open block ${blockIndex}.`);
    }
  };

  const coalescer = createDeltaCoalescer(options.coalesceMs ?? 0, (blockIndex, data) => {
    write([{ ...scoped('block_delta', blockIndex), data }]);
  });

  const flush = async () => {
    coalescer.flush();
    while (inflight.size > 0) await Promise.all([...inflight]);
    if (failure !== undefined) throw writeFailed('A write of this message failed', failure);
  };

  const api: MessageWriter = {
    messageId,
    get completed() {
      return completed;
    },
    openBlock(data) {
      ensureWritable();
      coalescer.flush();
      const blockIndex = current().blocks.length;
      write([{ ...scoped('block_open', blockIndex), data }]);
      return blockIndex;
    },
    appendDelta(blockIndex, data) {
      ensureWritable();
      ensureOpen(blockIndex);
      coalescer.add(blockIndex, data);
    },
    closeBlock(blockIndex, data = {}) {
      ensureWritable();
      ensureOpen(blockIndex);
      coalescer.flush();
      write([{ ...scoped('block_close', blockIndex), data }]);
    },
    async complete(status, details = {}) {
      ensureWritable();
      coalescer.flush();
      const closing: ConversationEventDraft[] = current()
        .blocks.filter((block) => block.status === 'open')
        .map((block) => ({ ...scoped('block_close', block.index), data: {} }));
      if (closing.length > 0) write(closing);
      const open = current();
      const final: MessageSnapshot = {
        ...open,
        status,
        // The snapshot as it stands once this message_complete is applied, so it equals history's.
        watermarks: { ...open.watermarks, [MESSAGE_LEVEL]: (open.watermarks[MESSAGE_LEVEL] ?? 0) + 1 },
        ...(details.stopReason === undefined ? {} : { stopReason: details.stopReason }),
        ...(details.usage === undefined ? {} : { usage: details.usage }),
        ...(details.error === undefined ? {} : { error: details.error }),
      };
      write([{ ...scoped('message_complete', -1), data: { status, ...details, message: final } }]);
      completed = true;
      await flush();
      return current();
    },
    flush,
    sendHeldDeltas: () => coalescer.flush(),
    snapshot: current,
  };
  return { api, write };
}

/**
 * The error a writer throws once a write failed: the store's own code when it gave one
 * (`storage_full` tells the caller more than `unavailable`, and that it may retry later).
 */
function writeFailed(what: string, failure: unknown): OnceError {
  if (isOnceError(failure)) return new OnceError(failure.code, `${what}: ${failure.message}`, { cause: failure });
  return new OnceError('unavailable', `${what}.`, { cause: failure });
}
