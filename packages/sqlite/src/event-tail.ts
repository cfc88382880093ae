/** One event of the tail, as it is added. */
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
}

/** A stream's tail events, one column per field: numbers only, no object per event. */
interface StreamTail {
  /** Offset of the first; the rest follow it without gaps. */
  readonly firstOffset: number;
  readonly positions: number[];
  /** Message keys; 0 for an event outside any message (keys start at 1). */
  readonly messages: number[];
  readonly blockIndexes: number[];
  readonly seqs: number[];
}

/** A stream's tail events as one run: what an indexing round writes. */
export interface TailRun {
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly positions: readonly number[];
}

/**
 * The recent events not indexed in `runs` yet, kept in memory in the order of each
 * stream's offsets. Because one process writes the file, this copy is exact: it is
 * loaded once from the log rows beyond the mark, then changed only after a commit (by
 * {@link EventTail.add}) or an indexing round (by {@link EventTail.clear}). It locates
 * reads of recent offsets and answers idempotency checks of recent identities, so that
 * an append writes nothing but its log row.
 *
 * It holds where each event is and who it is, not its text: the text is in the log row,
 * and holding tens of thousands of strings for a moment each is what made V8's young
 * collections copy them (the `bench/event-log.bench.ts` latency tail).
 *
 * Each stream's events here are the last ones of that stream, gapless: every offset
 * before the first of them is indexed in `runs`, and none after it.
 */
export class EventTail {
  readonly #streams = new Map<number, StreamTail>();
  #size = 0;

  /** How many events the tail holds. */
  get size(): number {
    return this.#size;
  }

  /** Adds an event that just committed; events come in commit order. */
  add(event: TailEvent): void {
    let tail = this.#streams.get(event.stream);
    if (tail === undefined) {
      tail = { firstOffset: event.offset, positions: [], messages: [], blockIndexes: [], seqs: [] };
      this.#streams.set(event.stream, tail);
    }
    tail.positions.push(event.position);
    tail.messages.push(event.message ?? 0);
    tail.blockIndexes.push(event.blockIndex);
    tail.seqs.push(event.seq);
    this.#size += 1;
  }

  /**
   * The position of the tail's event of a stream stored under a message-scoped identity,
   * if any. Looks from the newest back: the rare caller is a retry, of something recent.
   */
  find(stream: number, message: number, blockIndex: number, seq: number): number | undefined {
    const tail = this.#streams.get(stream);
    if (tail === undefined) return undefined;
    for (let index = tail.positions.length - 1; index >= 0; index -= 1) {
      if (tail.seqs[index] === seq && tail.messages[index] === message && tail.blockIndexes[index] === blockIndex) {
        return tail.positions[index];
      }
    }
    return undefined;
  }

  /** The offset of a stream's first event in the tail; undefined when it has none there. */
  firstOffset(stream: number): number | undefined {
    return this.#streams.get(stream)?.firstOffset;
  }

  /** The offset of a stream's last event in the tail; undefined when it has none there. */
  lastOffset(stream: number): number | undefined {
    const tail = this.#streams.get(stream);
    return tail === undefined ? undefined : tail.firstOffset + tail.positions.length - 1;
  }

  /** The positions of a stream's tail events after `afterOffset`, at most `limit` of them. */
  positionsAfter(stream: number, afterOffset: number, limit: number): number[] {
    const tail = this.#streams.get(stream);
    if (tail === undefined) return [];
    const start = Math.max(0, afterOffset + 1 - tail.firstOffset);
    return tail.positions.slice(start, start + limit);
  }

  /** The streams that have events in the tail. */
  streams(): number[] {
    return [...this.#streams.keys()];
  }

  /** A stream's tail events as one run; undefined when it has none. */
  runOf(stream: number): TailRun | undefined {
    const tail = this.#streams.get(stream);
    if (tail === undefined) return undefined;
    const { firstOffset, positions } = tail;
    return { firstOffset, lastOffset: firstOffset + positions.length - 1, positions };
  }

  /** Forgets every event, once an indexing round put them all in `runs`. */
  clear(): void {
    this.#streams.clear();
    this.#size = 0;
  }
}
