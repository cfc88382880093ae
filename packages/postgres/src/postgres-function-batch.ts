import { type CommitNotice, envelopeText, type StoredEntry, type StreamKey, streamId } from '@once/log';
import type { Offset } from '@once/protocol';
import type { FunctionBatch } from './postgres-append-function.ts';
import type { BatchAppend } from './postgres-batch-reads.ts';

/** A batch for the append function, and what the appends will have stored once it commits. */
export interface PlacedBatch {
  readonly batch: FunctionBatch;
  /** The stored events of each append, in the order of the appends. */
  readonly results: (readonly StoredEntry[])[];
  /** One notice per stream, with its head after the batch. */
  readonly notices: readonly CommitNotice[];
}

/** The streams this daemon has written, as it last left them. */
export interface KnownStreams {
  /** Row key by {@link streamId}. */
  readonly keys: ReadonlyMap<string, number>;
  /** Head by row key: where this daemon's last committed batch of the stream left it. */
  readonly heads: ReadonlyMap<number, number>;
}

/**
 * Places every event of the appends after the head this daemon last left its stream at,
 * in append order, building its envelope and stored entry as the careful path would; or
 * undefined when a stream's key or head is not known yet (its first batch here), or when
 * an append opens a user message with a clientMessageId (the careful path checks that
 * its stream holds no other message sent with it). The append function refuses the batch
 * if a head moved meanwhile.
 */
export function placeFunctionBatch(appends: readonly BatchAppend[], known: KnownStreams): PlacedBatch | undefined {
  const batch: FunctionBatch = {
    streamKeys: [],
    headsBefore: [],
    headsAfter: [],
    streams: [],
    offsets: [],
    messageIds: [],
    blockIndexes: [],
    seqs: [],
    envelopes: [],
    fencedConversations: [],
    fenceOwners: [],
  };
  const moved = new Map<number, { stream: StreamKey; before: number; head: number; entries: StoredEntry[] }>();
  const results: StoredEntry[][] = [];
  for (const append of appends) {
    const key = known.keys.get(streamId(append.stream));
    if (key === undefined) return undefined;
    let state = moved.get(key);
    if (state === undefined) {
      const before = known.heads.get(key);
      if (before === undefined) return undefined;
      state = { stream: append.stream, before, head: before, entries: [] };
      moved.set(key, state);
    }
    if (append.fence !== undefined && append.stream.stream === 'conversation') {
      batch.fencedConversations.push(append.stream.conversationId);
      batch.fenceOwners.push(append.fence);
    }
    const stream = state;
    let sentAs = false;
    results.push(
      append.drafts.map((draft) => {
        if (draft.sentAs !== undefined) sentAs = true;
        stream.head += 1;
        const offset = stream.head as Offset;
        const envelope = envelopeText(draft.body, offset);
        batch.streams.push(key);
        batch.offsets.push(offset);
        batch.messageIds.push(draft.identity?.messageId ?? null);
        batch.blockIndexes.push(draft.identity?.blockIndex ?? null);
        batch.seqs.push(draft.identity?.seq ?? null);
        batch.envelopes.push(envelope);
        const entry: StoredEntry = { offset, type: draft.type, json: envelope };
        stream.entries.push(entry);
        return entry;
      }),
    );
    if (sentAs) return undefined;
  }
  // The function locks the rows in key order, and compares the heads in that order.
  for (const key of [...moved.keys()].sort((first, second) => first - second)) {
    const state = moved.get(key) as { before: number; head: number };
    batch.streamKeys.push(key);
    batch.headsBefore.push(state.before);
    batch.headsAfter.push(state.head);
  }
  const notices = [...moved.values()].map((state) => ({
    stream: state.stream,
    head: state.head as Offset,
    entries: state.entries,
  }));
  return { batch, results, notices };
}
