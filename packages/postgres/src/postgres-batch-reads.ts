import { type PreparedDraft, type StreamKey, streamName } from '@once/log';
import type { ReservedSql } from 'postgres';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

/** What a batch's reads and its placement need of one `append` call (see `PendingAppend`). */
export interface BatchAppend {
  readonly stream: StreamKey;
  readonly drafts: readonly PreparedDraft[];
  readonly fence?: string | undefined;
}

/** A stored event found under one of the batch's identities. */
export interface StoredIdentityRow {
  readonly kind: string;
  readonly name: string;
  readonly message_id: string;
  readonly block_index: string;
  readonly seq: string;
  readonly envelope: string;
}

/** The envelopes already stored under the batch's identities. */
export function readStoredIdentities(
  connection: ReservedSql,
  names: SchemaNames,
  appends: readonly BatchAppend[],
): Promise<readonly StoredIdentityRow[]> {
  const kinds: string[] = [];
  const streamNames: string[] = [];
  const messageIds: string[] = [];
  const blockIndexes: number[] = [];
  const seqs: number[] = [];
  for (const append of appends) {
    const { kind, name } = streamName(append.stream);
    for (const { identity } of append.drafts) {
      if (identity === undefined) continue;
      kinds.push(kind);
      streamNames.push(name);
      messageIds.push(identity.messageId);
      blockIndexes.push(identity.blockIndex);
      seqs.push(identity.seq);
    }
  }
  if (kinds.length === 0) return Promise.resolve([]);
  return connection.unsafe<StoredIdentityRow[]>(
    `SELECT s.kind, s.name, e.message_id, e.block_index, e.seq, e.envelope
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS w (kind, name, message_id, block_index, seq)
     JOIN ${names.streams} AS s USING (kind, name)
     JOIN ${names.events} AS e
       ON e.stream = s.key AND e.message_id = w.message_id AND e.block_index = w.block_index AND e.seq = w.seq`,
    [kinds, streamNames, messageIds, blockIndexes, seqs],
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
