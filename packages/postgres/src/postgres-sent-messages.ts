import {
  type SentMessage,
  type StreamKey,
  sentMessagesOf,
  sentTwiceError,
  streamId,
  streamIdOf,
  streamName,
} from '@once/log';
import type { OnceError } from '@once/protocol';
import type { ReservedSql } from 'postgres';
import type { BatchAppend } from './postgres-batch-reads.ts';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

// One user message per clientMessageId in a stream (docs/decisions/038): the
// `sent_messages` rows of a batch, read under the streams' row locks and written with
// its events.

/** A user message stored with a clientMessageId, as read back. */
interface SentMessageRow {
  readonly kind: string;
  readonly name: string;
  readonly sent_as: string;
  readonly message_id: string;
}

/** A user message of the batch to record once its events are stored. */
export interface NewSentMessage extends SentMessage {
  readonly streamKey: number;
}

/**
 * The user messages stored under the clientMessageIds the batch's appends open messages
 * with. Sent after the lock on the streams' rows, in the same pipeline: its snapshot
 * includes every transaction that held the lock before.
 */
export function readSentMessages(
  connection: ReservedSql,
  names: SchemaNames,
  appends: readonly BatchAppend[],
): PromiseLike<readonly SentMessageRow[]> {
  const kinds: string[] = [];
  const streamNames: string[] = [];
  const sentAs: string[] = [];
  for (const append of appends) {
    const sent = sentMessagesOf(append.drafts);
    if (sent.length === 0) continue;
    const { kind, name } = streamName(append.stream);
    for (const message of sent) {
      kinds.push(kind);
      streamNames.push(name);
      sentAs.push(message.clientMessageId);
    }
  }
  if (kinds.length === 0) return Promise.resolve([]);
  return connection.unsafe<SentMessageRow[]>(
    `SELECT s.kind, s.name, m.sent_as, m.message_id
     FROM unnest($1::text[], $2::text[], $3::text[]) AS w (kind, name, sent_as)
     JOIN ${names.streams} AS s USING (kind, name)
     JOIN ${names.sentMessages} AS m ON m.stream = s.key AND m.sent_as = w.sent_as`,
    [kinds, streamNames, sentAs],
    PREPARED,
  );
}

/**
 * Checks the appends of a batch against the user messages stored before (`rows`) and
 * those of the appends before them in the batch, in order.
 */
export class SentMessageCheck {
  readonly #known = new Map<string, string>();
  /** The user messages of the appends let through, to record with the batch. */
  readonly added: NewSentMessage[] = [];

  constructor(rows: readonly SentMessageRow[]) {
    for (const row of rows) this.#known.set(sentKey(streamIdOf(row.kind, row.name), row.sent_as), row.message_id);
  }

  /**
   * The refusal of an append that opens a user message with a clientMessageId its stream
   * holds for another message; else undefined, and its messages are counted as stored.
   */
  refusal(append: BatchAppend, streamKey: number): OnceError | undefined {
    const sent = sentMessagesOf(append.drafts);
    if (sent.length === 0) return undefined;
    const id = streamId(append.stream);
    for (const message of sent) {
      const storedAs = this.#known.get(sentKey(id, message.clientMessageId));
      if (storedAs !== undefined && storedAs !== message.messageId) {
        return sentTwiceError(append.stream as StreamKey, message, storedAs);
      }
    }
    for (const message of sent) {
      this.#known.set(sentKey(id, message.clientMessageId), message.messageId);
      this.added.push({ ...message, streamKey });
    }
    return undefined;
  }
}

/**
 * Records the batch's new user messages. A row already there is the same message stored
 * again (the check above ran under the streams' locks, which every writer of these rows
 * holds).
 */
export function insertSentMessages(connection: ReservedSql, names: SchemaNames, added: readonly NewSentMessage[]) {
  return connection.unsafe(
    `INSERT INTO ${names.sentMessages} (stream, sent_as, message_id)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
    [
      added.map((message) => message.streamKey),
      added.map((message) => message.clientMessageId),
      added.map((message) => message.messageId),
    ],
    PREPARED,
  );
}

function sentKey(stream: string, sentAs: string): string {
  return `${stream}\u0000${sentAs}`;
}
