import type { ConversationId, ConversationSnapshot, Offset } from '@once/protocol';
import type { Transport, TransportItem } from '../src/transport.ts';

/** One `events()` call: the test pushes items into it, ends it or breaks it. */
export interface ScriptedStream {
  readonly afterOffset: Offset;
  readonly signal: AbortSignal;
  push(...items: TransportItem[]): void;
  /** The server ends the stream cleanly. */
  end(): void;
  /** The socket breaks. */
  fail(error: unknown): void;
}

/** A transport whose streams and snapshots a unit test controls. */
export interface ScriptedTransport extends Transport {
  /** Every `events()` call so far, oldest first. */
  readonly streams: ScriptedStream[];
  /** How many snapshots were fetched. */
  snapshotsServed(): number;
  /** What the next snapshot fetches return. */
  setSnapshot(snapshot: ConversationSnapshot): void;
}

export function createScriptedTransport(initial: ConversationSnapshot): ScriptedTransport {
  let current = initial;
  let served = 0;
  const streams: ScriptedStream[] = [];
  return {
    streams,
    snapshotsServed: () => served,
    setSnapshot(snapshot) {
      current = snapshot;
    },
    async snapshot() {
      served += 1;
      return current;
    },
    events(_stream, afterOffset, signal) {
      const stream = openStream(afterOffset, signal);
      streams.push(stream);
      return stream.items;
    },
    send: () => Promise.reject(new Error('not scripted')),
    cancel: () => Promise.reject(new Error('not scripted')),
    decide: () => Promise.reject(new Error('not scripted')),
    listConversations: () => Promise.reject(new Error('not scripted')),
    createConversation: () => Promise.reject(new Error('not scripted')),
    renameConversation: () => Promise.reject(new Error('not scripted')),
    deleteConversation: () => Promise.reject(new Error('not scripted')),
  };
}

function openStream(
  afterOffset: Offset,
  signal: AbortSignal,
): ScriptedStream & { items: AsyncIterable<TransportItem> } {
  const queue: TransportItem[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  signal.addEventListener('abort', notify, { once: true });
  async function* items(): AsyncGenerator<TransportItem> {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const item = queue.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (failure !== undefined) throw failure.error;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }
  return {
    afterOffset,
    signal,
    items: items(),
    push(...pushed) {
      queue.push(...pushed);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    fail(error) {
      failure = { error };
      notify();
    },
  };
}

/** A conversation id for unit tests (a valid UUIDv7). */
export const CONVERSATION_ID = '01936b2e-0000-7000-8000-000000000001' as ConversationId;

/** An empty snapshot at `offset`. */
export function emptySnapshot(offset: number): ConversationSnapshot {
  return {
    conversationId: CONVERSATION_ID,
    offset: offset as Offset,
    messages: [],
    activity: { phase: 'idle' },
    pendingApprovals: [],
  };
}

/** An `activity` event at `offset`: the smallest event that moves a conversation's offset. */
export function activityAt(offset: number): TransportItem {
  return {
    kind: 'event',
    event: {
      offset: offset as Offset,
      stream: 'conversation',
      conversationId: CONVERSATION_ID,
      type: 'activity',
      ts: '2026-11-23T21:00:00.000Z',
      data: { phase: 'thinking' },
    },
  };
}

/** A `block_delta` of a message never opened, at `offset`: the reducer refuses it as a `sequence_gap`. */
export function orphanDeltaAt(offset: number): TransportItem {
  return {
    kind: 'event',
    event: {
      offset: offset as Offset,
      stream: 'conversation',
      conversationId: CONVERSATION_ID,
      type: 'block_delta',
      messageId: '01936b2e-0000-7000-8000-0000000000ff',
      blockIndex: 0,
      seq: 5,
      ts: '2026-11-23T21:00:00.000Z',
      data: { text: 'orphan' },
    } as never,
  };
}
