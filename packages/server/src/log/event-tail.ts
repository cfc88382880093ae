/** One event of the tail, as memory holds it. */
export interface TailEvent {
  /** Its row in the `tail` table; positions grow in commit order, across streams. */
  readonly position: number;
  /** The integer key of its stream. */
  readonly stream: number;
  readonly offset: number;
  /** The integer key of its message, for a message-scoped event; else null. */
  readonly message: number | null;
  readonly blockIndex: number | null;
  readonly seq: number | null;
  /** {@link identityKey} of a message-scoped event; undefined for the others. */
  readonly identity: string | undefined;
  /** The stored JSON text, offset first. */
  readonly envelope: string;
}

/** Names a message-scoped event in memory: its integer message key, block index and seq. */
export function identityKey(message: number, blockIndex: number, seq: number): string {
  return `${message}:${blockIndex}:${seq}`;
}

/**
 * The recent events not yet merged into the clustered `events` table, kept in memory in
 * the order of each stream's offsets. Because one process writes the file, this copy is
 * exact: it is loaded once from the `tail` table (less the rows a merge round already
 * copied), then changed only after a commit (by
 * {@link EventTail.add}) or a merge (by {@link EventTail.dropThrough}). It serves
 * reads of recent offsets and idempotency checks of recent identities, so that the
 * `tail` table needs no index besides its primary key.
 *
 * Each stream's events here are the last ones of that stream, gapless: every offset
 * before the first of them is in the `events` table, and none after it.
 */
export class EventTail {
  readonly #streams = new Map<number, TailEvent[]>();
  readonly #identities = new Map<string, TailEvent>();
  #size = 0;

  /** How many events the tail holds. */
  get size(): number {
    return this.#size;
  }

  /** Adds an event that just committed; events come in commit order. */
  add(event: TailEvent): void {
    const events = this.#streams.get(event.stream);
    if (events === undefined) this.#streams.set(event.stream, [event]);
    else events.push(event);
    if (event.identity !== undefined) this.#identities.set(event.identity, event);
    this.#size += 1;
  }

  /** The tail's event stored under a message-scoped identity, if any. */
  byIdentity(identity: string): TailEvent | undefined {
    return this.#identities.get(identity);
  }

  /** The offset of a stream's first event in the tail; undefined when it has none there. */
  firstOffset(stream: number): number | undefined {
    return this.#streams.get(stream)?.[0]?.offset;
  }

  /** The offset of a stream's last event in the tail; undefined when it has none there. */
  lastOffset(stream: number): number | undefined {
    return this.#streams.get(stream)?.at(-1)?.offset;
  }

  /** The envelopes of a stream's tail events after `afterOffset`, at most `limit` of them. */
  read(stream: number, afterOffset: number, limit: number): string[] {
    const events = this.#streams.get(stream);
    const first = events?.[0];
    if (events === undefined || first === undefined) return [];
    const start = Math.max(0, afterOffset + 1 - first.offset);
    const end = Math.min(events.length, start + limit);
    const envelopes: string[] = [];
    for (let index = start; index < end; index += 1) envelopes.push((events[index] as TailEvent).envelope);
    return envelopes;
  }

  /** The streams that have events in the tail. */
  streams(): number[] {
    return [...this.#streams.keys()];
  }

  /** A stream's tail events in offset order; empty when it has none. */
  eventsOf(stream: number): readonly TailEvent[] {
    return this.#streams.get(stream) ?? [];
  }

  /** Forgets a stream's events up to `offset`, once a merge moved them to the `events` table. */
  dropThrough(stream: number, offset: number): void {
    const events = this.#streams.get(stream);
    const first = events?.[0];
    if (events === undefined || first === undefined) return;
    const count = Math.min(events.length, offset - first.offset + 1);
    for (let index = 0; index < count; index += 1) {
      const identity = (events[index] as TailEvent).identity;
      if (identity !== undefined) this.#identities.delete(identity);
    }
    if (count === events.length) this.#streams.delete(stream);
    else if (count > 0) events.splice(0, count);
    this.#size -= Math.max(0, count);
  }
}
