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
 * fails leaves what is known as it was. A message the stream does not know, or an event at
 * or below its block's highest seq, may be stored already: the append function is only
 * sent events above it, and messages it does not know are written to `messages`, whose
 * primary key refuses a message stored before.
 */
export class KnownStream {
  head: number;
  readonly #messages: Map<string, KnownMessage>;
  /** Messages whose `message_complete` this batch placed: forgotten once it commits. */
  readonly #completed = new Set<string>();

  constructor(head: number, messages: Map<string, KnownMessage> = new Map()) {
    this.head = head;
    this.#messages = messages;
  }

  /** A copy for a batch to change. */
  clone(): KnownStream {
    const messages = new Map<string, KnownMessage>();
    for (const [id, message] of this.#messages) {
      messages.set(id, { firstOffset: message.firstOffset, highestSeqs: new Map(message.highestSeqs) });
    }
    return new KnownStream(this.head, messages);
  }

  /** Whether an event of a known message may be stored already: its seq is not above its block's highest. */
  mayHaveStored(identity: EventIdentity): boolean {
    const message = this.#messages.get(identity.messageId);
    return message !== undefined && mayBeStored(message, identity.blockIndex, identity.seq);
  }

  /** Whether the stream knows the message (it wrote it, or read it, since it last knew nothing). */
  knows(messageId: string): boolean {
    return this.#messages.has(messageId);
  }

  /** Learns a message read from the log. */
  learn(messageId: string, message: KnownMessage): void {
    this.#messages.set(messageId, message);
  }

  /**
   * Notes an event of a message placed at `offset` (the stream's new head, set by the
   * caller). Returns true when the message was not known: it starts at this event, and its
   * `messages` row is to be written with it.
   */
  place(identity: EventIdentity, type: string, offset: number): boolean {
    let message = this.#messages.get(identity.messageId);
    const opened = message === undefined;
    if (message === undefined) {
      message = { firstOffset: offset, highestSeqs: new Map() };
      this.#messages.set(identity.messageId, message);
    }
    noteStored(message, identity.blockIndex, identity.seq);
    if (type === 'message_complete') this.#completed.add(identity.messageId);
    return opened;
  }

  /**
   * Once the batch committed: forgets the messages it completed (a retry of one of their
   * events reads them back) and, past {@link MESSAGES_PER_STREAM}, those met longest ago.
   */
  settle(): void {
    for (const id of this.#completed) this.#messages.delete(id);
    this.#completed.clear();
    for (const id of this.#messages.keys()) {
      if (this.#messages.size <= MESSAGES_PER_STREAM) break;
      this.#messages.delete(id);
    }
  }
}
