import { type CommitNotice, envelopeText, type StoredEntry, type StreamKey, streamId } from '@once/log';
import type { Offset } from '@once/protocol';
import type { FunctionBatch } from './postgres-append-function.ts';
import { emptyRows } from './postgres-append-statements.ts';
import type { BatchAppend } from './postgres-batch-reads.ts';
import type { KnownStream } from './postgres-known-streams.ts';

/** A batch for the append function, and what the appends will have stored once it commits. */
export interface PlacedBatch {
  readonly batch: FunctionBatch;
  /** The stored events of each append, in the order of the appends. */
  readonly results: (readonly StoredEntry[])[];
  /** One notice per stream, with its head after the batch. */
  readonly notices: readonly CommitNotice[];
  /** What is known of each of the batch's streams once it commits, by row key. */
  readonly known: ReadonlyMap<number, KnownStream>;
}

/** The streams this daemon has written, as it last left them. */
export interface KnownStreams {
  /** Row key by {@link streamId}. */
  readonly keys: ReadonlyMap<string, number>;
  /** By row key: where this daemon's last committed batch of the stream left it. */
  readonly streams: ReadonlyMap<number, KnownStream>;
}

/** One stream of a batch as it is placed. */
interface PlacedStream {
  readonly stream: StreamKey;
  readonly before: number;
  readonly known: KnownStream;
  readonly entries: StoredEntry[];
}

/**
 * Places every event of the appends after the head this daemon last left its stream at,
 * in append order, building its envelope and stored entry as the careful path would; or
 * undefined when the careful path must write the batch:
 * - a stream's key or head is not known yet (its first batch here);
 * - an event may be stored already: its seq is not above the highest this daemon knows of
 *   its message's block (a message this daemon does not know is taken to be new, and its
 *   `messages` row refuses the batch if it is not);
 * - an append opens a user message with a clientMessageId (the careful path checks that
 *   its stream holds no other message sent with it).
 * The append function refuses the batch if a head moved meanwhile.
 */
export function placeFunctionBatch(appends: readonly BatchAppend[], known: KnownStreams): PlacedBatch | undefined {
  const rows = emptyRows();
  const fencedConversations: string[] = [];
  const fenceOwners: string[] = [];
  const placed = new Map<number, PlacedStream>();
  const results: StoredEntry[][] = [];
  for (const append of appends) {
    const key = known.keys.get(streamId(append.stream));
    if (key === undefined) return undefined;
    let state = placed.get(key);
    if (state === undefined) {
      const last = known.streams.get(key);
      if (last === undefined) return undefined;
      state = { stream: append.stream, before: last.head, known: last.clone(), entries: [] };
      placed.set(key, state);
    }
    if (append.fence !== undefined && append.stream.stream === 'conversation') {
      fencedConversations.push(append.stream.conversationId);
      fenceOwners.push(append.fence);
    }
    const stored: StoredEntry[] = [];
    for (const draft of append.drafts) {
      const { identity } = draft;
      if (draft.sentAs !== undefined) return undefined;
      if (identity !== undefined && state.known.mayHaveStored(identity)) return undefined;
      state.known.head += 1;
      const offset = state.known.head as Offset;
      const envelope = envelopeText(draft.body, offset);
      rows.streams.push(key);
      rows.offsets.push(offset);
      rows.envelopes.push(envelope);
      if (identity !== undefined && state.known.place(identity, draft.type, offset)) {
        rows.messages.streams.push(key);
        rows.messages.ids.push(identity.messageId);
        rows.messages.firstOffsets.push(offset);
      }
      const entry: StoredEntry = { offset, type: draft.type, json: envelope };
      state.entries.push(entry);
      stored.push(entry);
    }
    results.push(stored);
  }
  const keys = [...placed.keys()].sort((first, second) => first - second);
  const batch: FunctionBatch = {
    ...rows,
    streamKeys: keys,
    headsBefore: keys.map((key) => (placed.get(key) as PlacedStream).before),
    headsAfter: keys.map((key) => (placed.get(key) as PlacedStream).known.head),
    fencedConversations,
    fenceOwners,
  };
  const notices = [...placed.values()].map((state) => ({
    stream: state.stream,
    head: state.known.head as Offset,
    entries: state.entries,
  }));
  return {
    batch,
    results,
    notices,
    known: new Map([...placed].map(([key, state]) => [key, state.known])),
  };
}
