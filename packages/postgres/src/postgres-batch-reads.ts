import type { PreparedDraft, StreamKey } from '@once/log';
import type { ReservedSql } from 'postgres';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

/** One `append` call of a batch. */
export interface BatchAppend {
  readonly stream: StreamKey;
  readonly drafts: readonly PreparedDraft[];
  /** The lease owner that must hold the conversation (`AppendOptions.fence`). */
  readonly fence?: string | undefined;
}

/** A message to read back: its stream's kind and name, and its id. */
export interface WantedMessage {
  readonly kind: string;
  readonly name: string;
  readonly messageId: string;
}

/**
 * A message found in `messages`, with one event of its stream from its first offset on
 * whose envelope holds the message's id (null when none does: all were compacted away).
 */
export interface StoredMessageRow {
  readonly kind: string;
  readonly name: string;
  readonly message_id: string;
  readonly first_offset: string;
  readonly envelope: string | null;
}

/**
 * The messages of `wanted` that are stored, each with the events of its stream from its
 * first offset on that mention it (the caller parses them to keep the message's own). The
 * rare path of layout 2 (docs/decisions/039): a message first met, a stream another
 * daemon wrote, or a retried event; streaming appends never read it.
 */
export function readStoredMessages(
  connection: ReservedSql,
  names: SchemaNames,
  wanted: readonly WantedMessage[],
): PromiseLike<readonly StoredMessageRow[]> {
  if (wanted.length === 0) return Promise.resolve([]);
  return connection.unsafe<StoredMessageRow[]>(
    `SELECT s.kind, s.name, m.message_id, m.first_offset, e.envelope
     FROM unnest($1::text[], $2::text[], $3::text[]) AS w (kind, name, message_id)
     JOIN ${names.streams} AS s USING (kind, name)
     JOIN ${names.messages} AS m ON m.stream = s.key AND m.message_id = w.message_id
     LEFT JOIN ${names.events} AS e
       ON e.stream = m.stream AND e.stream_offset >= m.first_offset AND strpos(e.envelope, m.message_id) > 0
     ORDER BY s.key, m.message_id, e.stream_offset`,
    [
      wanted.map((message) => message.kind),
      wanted.map((message) => message.name),
      wanted.map((message) => message.messageId),
    ],
    PREPARED,
  );
}

/** The owner holding one of the batch's fenced conversations. */
export interface LeaseOwnerRow {
  readonly conversation: string;
  readonly owner: string;
}

/**
 * The owners holding the leases of the batch's fenced conversations. The rows stay
 * share-locked until the transaction ends, so a daemon taking a conversation over waits
 * for this commit, and its recovery then reads these events. The statement is returned
 * unsent, like the batch's others: postgres.js sends a statement when it is first
 * awaited, and this one must go after `BEGIN`, in the transaction.
 */
export function lockLeaseOwners(
  connection: ReservedSql,
  names: SchemaNames,
  appends: readonly BatchAppend[],
): PromiseLike<readonly LeaseOwnerRow[]> {
  const conversations = [
    ...new Set(
      appends.flatMap((append) =>
        append.fence !== undefined && append.stream.stream === 'conversation' ? [append.stream.conversationId] : [],
      ),
    ),
  ].sort();
  if (conversations.length === 0) return Promise.resolve([]);
  return connection.unsafe<LeaseOwnerRow[]>(
    `SELECT conversation, owner FROM ${names.leases} WHERE conversation = ANY($1::text[])
     ORDER BY conversation FOR SHARE`,
    [conversations],
    PREPARED,
  );
}

/** Whether an append may be stored: it carries no fence, or its fence holds its conversation. */
export function passesFence(append: BatchAppend, owners: readonly LeaseOwnerRow[]): boolean {
  if (append.fence === undefined || append.stream.stream !== 'conversation') return true;
  const { conversationId } = append.stream;
  return owners.some((row) => row.conversation === conversationId && row.owner === append.fence);
}
