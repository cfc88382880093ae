import type { Attachment } from '@once/protocol';

/** What an upload says about its bytes, beside them. */
export interface AttachmentDetails {
  /** The media type the bytes were sent with, e.g. `image/png`. */
  readonly mediaType: string;
  /** The file name the user gave, when they gave one. */
  readonly name?: string;
}

/** The outcome of {@link AttachmentStore.put}. */
export interface PutAttachmentResult {
  /** The account's record of the bytes: hash, size, media type and name. */
  readonly attachment: Attachment;
  /** False when this account had stored the same bytes already (nothing new was written). */
  readonly created: boolean;
}

/** What {@link AttachmentStore.sweep} deleted. */
export interface SweepResult {
  /** Accounts' records of unsent uploads deleted. */
  readonly records: number;
  /** Stored files (bytes of one hash) deleted. */
  readonly blobs: number;
}

/** A conversation that references attachments of an account ({@link AttachmentStore.referencingConversations}). */
export interface ReferencingConversation {
  /** The account whose records it references. */
  readonly account: string;
  /** The conversation's id, as given to {@link AttachmentStore.reference}. */
  readonly conversation: string;
}

/** Stored bytes, ready to be read once. */
export interface OpenedAttachment {
  /** Their size, in bytes. */
  readonly size: number;
  /** The bytes, in order. */
  readonly bytes: AsyncIterable<Uint8Array>;
}

/**
 * Where the files sent with messages are kept: once, by content (SHA-256), with a record
 * per account that uploaded them (media type, name). An account only ever finds what it
 * uploaded itself; the turn that answers a message reads the bytes by hash. Kept apart
 * from the {@link EventLog}: events reference attachments by hash, size and media type.
 * Implementations: a directory (`@once/sqlite`) and PostgreSQL (`@once/postgres`), both
 * run `describeAttachmentStoreConformance` from `@once/testing`.
 */
export interface AttachmentStore {
  /**
   * Reads `source` to its end, hashing it, and keeps the bytes under their hash and a
   * record of them for `account`. When the same account stored the same bytes before, the
   * record it has is returned (its media type and name win) and `created` is false.
   *
   * The record counts as an unsent upload, from now, until {@link reference} names it.
   *
   * If `source` throws (a client that went away mid-upload, a size limit), nothing is
   * kept — no bytes, no record — and the error is thrown on.
   */
  put(account: string, source: AsyncIterable<Uint8Array>, details: AttachmentDetails): Promise<PutAttachmentResult>;

  /** The account's record of the attachment with this hash; undefined when it uploaded none. */
  find(account: string, hash: string): Promise<Attachment | undefined>;

  /**
   * Notes that a message of `conversation` names these attachments of `account`, so they
   * stay while the conversation does, and are no longer unsent uploads. Atomic with
   * {@link release} and {@link sweep}: a record found here is not deleted until the
   * conversation is released. Idempotent.
   * @returns The account's record of each hash, in order; undefined (and nothing noted)
   *   for a hash the account has no record of.
   */
  reference(account: string, conversation: string, hashes: readonly string[]): Promise<(Attachment | undefined)[]>;

  /**
   * Forgets every reference `conversation` holds (the conversation was deleted or
   * expired), then deletes the account's records no other conversation references and
   * not uploaded again since they were sent, then the bytes no account's record names.
   */
  release(account: string, conversation: string): Promise<void>;

  /**
   * Every conversation that holds a reference (noted by {@link reference}, not released
   * since), each once, in no set order. The daemon checks them against its log and
   * releases those the log no longer has: a daemon that stopped between deleting a
   * conversation and releasing it leaves them behind. Read a page at a time, so releasing
   * while iterating is allowed (a conversation released meanwhile may or may not be listed).
   */
  referencingConversations(): AsyncIterable<ReferencingConversation>;

  /**
   * Deletes the records of unsent uploads (put, never referenced since) made at or before
   * `uploadedBefore`, then the bytes no record names (also those a crash left behind).
   * Records from before references existed (no upload time) are kept.
   */
  sweep(uploadedBefore: Date): Promise<SweepResult>;

  /**
   * Deletes the account's record of an upload no conversation references (an unsent
   * upload the user changed their mind about), then the bytes when no account's record
   * names them. Nothing is deleted while a conversation references it.
   * @returns `removed`; `referenced` when a conversation of the account sent it; `absent`
   *   when the account has no record of the hash.
   */
  remove(account: string, hash: string): Promise<'removed' | 'referenced' | 'absent'>;

  /** Opens the bytes with this hash, whoever uploaded them; undefined when none are stored. */
  open(hash: string): Promise<OpenedAttachment | undefined>;

  /** Releases what the store holds open (connections); the store is unusable after. */
  close(): Promise<void>;
}

/** Reads the bytes with this hash whole; undefined when none are stored. */
export async function readAttachment(store: AttachmentStore, hash: string): Promise<Uint8Array | undefined> {
  const opened = await store.open(hash);
  if (opened === undefined) return undefined;
  const whole = new Uint8Array(opened.size);
  let at = 0;
  for await (const chunk of opened.bytes) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return at === opened.size ? whole : whole.subarray(0, at);
}
