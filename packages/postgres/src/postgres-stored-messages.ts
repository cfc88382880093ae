import { noteStored, type StoredEntry, streamIdOf, toStoredEntry } from '@once/log';
import type { StoredMessageRow } from './postgres-batch-reads.ts';
import type { KnownMessage } from './postgres-known-streams.ts';

/** The key of an event's identity within a log: its stream's id, message id, block index and seq. */
export function identityKey(stream: string, messageId: string, blockIndex: number, seq: number): string {
  return `${stream}\u0000${messageId}\u0000${blockIndex}\u0000${seq}`;
}

/** Messages read back from the log (`readStoredMessages`): what to learn of each, and their events by identity. */
export interface MessagesReadBack {
  /** By stream id, then message id. */
  readonly messages: ReadonlyMap<string, ReadonlyMap<string, KnownMessage>>;
  /** The first stored event of each identity, by {@link identityKey}. */
  readonly stored: Map<string, StoredEntry>;
}

/** Folds the rows of `readStoredMessages` into each message's first offset, highest seqs and stored events. */
export function messagesReadBack(rows: readonly StoredMessageRow[]): MessagesReadBack {
  const messages = new Map<string, Map<string, KnownMessage>>();
  const stored = new Map<string, StoredEntry>();
  for (const row of rows) {
    const stream = streamIdOf(row.kind, row.name);
    let ofStream = messages.get(stream);
    if (ofStream === undefined) {
      ofStream = new Map();
      messages.set(stream, ofStream);
    }
    let message = ofStream.get(row.message_id);
    if (message === undefined) {
      message = { firstOffset: Number(row.first_offset), highestSeqs: new Map() };
      ofStream.set(row.message_id, message);
    }
    if (row.envelope === null) continue;
    const event = JSON.parse(row.envelope) as { messageId?: unknown; blockIndex?: unknown; seq?: unknown };
    if (event.messageId !== row.message_id || typeof event.blockIndex !== 'number' || typeof event.seq !== 'number') {
      continue;
    }
    const key = identityKey(stream, row.message_id, event.blockIndex, event.seq);
    if (!stored.has(key)) stored.set(key, toStoredEntry(row.envelope));
    noteStored(message, event.blockIndex, event.seq);
  }
  return { messages, stored };
}
