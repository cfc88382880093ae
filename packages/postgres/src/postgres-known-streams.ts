import { type EventIdentity, type MessageSeqs, mayBeStored, noteStored } from '@once/log';

/** The most messages a known stream keeps once a batch commits; past it, those met longest ago are forgotten. */
const MESSAGES_PER_STREAM = 64;

/** What this daemon knows of a message of a stream it wrote: its first offset and highest seqs. */
export interface KnownMessage extends MessageSeqs {
  readonly firstOffset: number;
  highestSeqs: Map<number, number>;
}

/**
 * A stream as this daemon's last committed batch of it left it: its head, and the highest
 * seqs of its messages this daemon wrote or read there (layout 2, docs/decisions/039). True
 * only while no other daemon wrote the stream since: a batch placed after `head` is
 * refused if the head moved, and the careful path then reads the messages again.
 *
 * A batch works on a {@link clone} and keeps it only once it committed, so a batch that
 * fails leaves what is known as it was (one batch of a stream is in flight at a time). A message the stream does not know, or an event at
 * or below its block's highest seq, may be stored already: the append function is only
 * sent events above it, and messages it does not know are written to `messages`, whose
 * primary key refuses a message stored before.
 */
export class KnownStream {
  head: number;
  /**
   * The messages as the last committed batch left them: shared with the stream this one
   * was cloned from, changed only by {@link settle}, once this one replaces it.
   */
  readonly #settled: Map<string, KnownMessage>;
  /** The messages this batch learned or placed events of: copies, kept by {@link settle}. */
  readonly #changed = new Map<string, KnownMessage>();
  /** Messages whose `message_complete` this batch placed: forgotten by {@link settle}. */
  readonly #completed = new Set<string>();

  constructor(head: number, settled: Map<string, KnownMessage> = new Map()) {
    this.head = head;
    this.#settled = settled;
  }

  /** A copy for a batch to change, made without copying its messages (a batch copies those it changes). */
  clone(): KnownStream {
    return new KnownStream(this.head, this.#settled);
  }

  /** Whether an event of a known message may be stored already: its seq is not above its block's highest. */
  mayHaveStored(identity: EventIdentity): boolean {
    const message = this.#message(identity.messageId);
    return message !== undefined && mayBeStored(message, identity.blockIndex, identity.seq);
  }

  /** Whether the stream knows the message (it wrote it, or read it, since it last knew nothing). */
  knows(messageId: string): boolean {
    return this.#message(messageId) !== undefined;
  }

  /** Learns a message read from the log. */
  learn(messageId: string, message: KnownMessage): void {
    this.#changed.set(messageId, message);
  }

  /**
   * Notes an event of a message placed at `offset` (the stream's new head, set by the
   * caller). Returns true when the message was not known: it starts at this event, and its
   * `messages` row is to be written with it.
   */
  place(identity: EventIdentity, type: string, offset: number): boolean {
    const id = identity.messageId;
    let message = this.#changed.get(id);
    const known = message ?? this.#settled.get(id);
    if (message === undefined) {
      message =
        known === undefined
          ? { firstOffset: offset, highestSeqs: new Map() }
          : { firstOffset: known.firstOffset, highestSeqs: new Map(known.highestSeqs) };
      this.#changed.set(id, message);
    }
    noteStored(message, identity.blockIndex, identity.seq);
    if (type === 'message_complete') this.#completed.add(id);
    return known === undefined;
  }

  /**
   * Once the batch committed and this stream replaces the one it was cloned from: keeps
   * what the batch changed, forgets the messages it completed (a retry of one of their
   * events reads them back) and, past {@link MESSAGES_PER_STREAM}, those met longest ago.
   */
  settle(): void {
    for (const [id, message] of this.#changed) {
      this.#settled.delete(id);
      this.#settled.set(id, message);
    }
    this.#changed.clear();
    for (const id of this.#completed) this.#settled.delete(id);
    this.#completed.clear();
    for (const id of this.#settled.keys()) {
      if (this.#settled.size <= MESSAGES_PER_STREAM) break;
      this.#settled.delete(id);
    }
  }

  #message(id: string): KnownMessage | undefined {
    return this.#changed.get(id) ?? this.#settled.get(id);
  }
}
