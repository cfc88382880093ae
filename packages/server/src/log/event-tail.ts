/** One event of the tail, as memory holds it. */
export interface TailEvent {
  /** Its row in the `log` table; positions grow in commit order, across streams. */
  readonly position: number;
  /** The integer key of its stream. */
  readonly stream: number;
  readonly offset: number;
  /** The integer key of its message, for a message-scoped event; else null. */
  readonly message: number | null;
  readonly blockIndex: number;
  readonly seq: number;
  /** The stored JSON text, offset first. */
  readonly envelope: string;
}

/**
 * The recent events not indexed in `runs` yet, kept in memory in the order of each
 * stream's offsets. Because one process writes the file, this copy is exact: it is
 * loaded once from the log rows beyond the mark, then changed only after a commit (by
 * {@link EventTail.add}) or an indexing round (by {@link EventTail.clear}). It serves
 * reads of recent offsets and idempotency checks of recent identities, so that an
 * append writes nothing but its log row.
 *
 * Each stream's events here are the last ones of that stream, gapless: every offset
 * before the first of them is indexed in `runs`, and none after it.
 */
export class EventTail {
  readonly #streams = new Map<number, TailEvent[]>();
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
    this.#size += 1;
  }

  /**
   * The tail's event of a stream stored under a message-scoped identity, if any. Looks
   * from the newest back: the rare caller is a retry, of something recent.
   */
  find(stream: number, message: number, blockIndex: number, seq: number): TailEvent | undefined {
    return findEvent(this.#streams.get(stream) ?? [], message, blockIndex, seq);
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

  /** Forgets every event, once an indexing round put them all in `runs`. */
  clear(): void {
    this.#streams.clear();
    this.#size = 0;
  }
}

/** The newest of `events` stored under a message-scoped identity, if any. */
export function findEvent(
  events: readonly TailEvent[],
  message: number,
  blockIndex: number,
  seq: number,
): TailEvent | undefined {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index] as TailEvent;
    if (event.message === message && event.blockIndex === blockIndex && event.seq === seq) return event;
  }
  return undefined;
}
