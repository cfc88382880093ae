import type { DatabaseSync } from 'node:sqlite';
import { EventTail, identityKey, type TailEvent } from './event-tail.ts';
import type { SqliteStatements } from './sqlite-statements.ts';

/** When the tail is merged into the clustered `events` table. */
export interface TailMergeOptions {
  /**
   * Once the tail holds more than this many events, a merge round begins; it runs
   * between group commits, one chunk a turn, and merges every event the tail held when
   * it began. Past twice this many, rounds keep pace with appends however long that
   * holds them back, so the tail (in memory about the events' JSON size, and read
   * whole when the file opens) stays near this bound. Larger values give each stream
   * longer runs per round, so fewer pages written per event. Default: 20,000.
   */
  readonly tailLimit?: number;
  /**
   * The most events one merge transaction moves: how long a merge may hold appends back
   * (a few microseconds an event). Default: 500.
   */
  readonly mergeChunkSize?: number;
  /**
   * After this many milliseconds without a commit, the whole tail is merged, chunk by
   * chunk, so that an idle log keeps its events clustered. Default: 1,000.
   */
  readonly idleMergeDelayMs?: number;
}

/** Defaults of {@link TailMergeOptions}. */
export const TAIL_MERGE_DEFAULTS = { tailLimit: 20_000, mergeChunkSize: 500, idleMergeDelayMs: 1_000 } as const;

type TailRow = [number, number, number, number | null, number | null, number | null, string];

/**
 * Reads the tail into memory, as a log does when it opens: every row of the `tail` table
 * except those a merge round already copied into `events` (up to its stream's mark).
 */
export function loadSqliteTail(statements: SqliteStatements): EventTail {
  const marks = new Map(statements.loadMarks.all() as unknown as [number, number][]);
  const tail = new EventTail();
  for (const row of statements.loadTail.iterate() as Iterable<TailRow>) {
    const [position, stream, offset, message, blockIndex, seq, envelope] = row;
    if (offset <= (marks.get(stream) ?? 0)) continue;
    const identity = message === null ? undefined : identityKey(message, blockIndex ?? 0, seq ?? 0);
    tail.add({ position, stream, offset, message, blockIndex, seq, identity, envelope });
  }
  return tail;
}

/** A merge round in progress: the tail rows up to `through`, stream by stream. */
interface Round {
  /** The newest tail row when the round began; the round merges every row up to it. */
  readonly through: number;
  /** The streams still to merge, next first. */
  readonly streams: number[];
}

/**
 * Merges the tail into the clustered `events` table in rounds. A round takes every tail
 * row present when it begins and copies it into `events` stream by stream, so each
 * stream gets one run of consecutive events (a few full pages) however many streams
 * were interleaved. It goes in chunks of at most {@link TailMergeOptions.mergeChunkSize}
 * events, one transaction and one turn of the event loop each, so appends wait for one
 * small chunk at most. A chunk also marks, per stream, the last offset it copied; the
 * round's last chunk deletes the copied rows and the marks. Whatever a crash
 * interrupts, each event is then readable from exactly one place: `events`, or the tail
 * beyond its stream's mark.
 */
export class SqliteTailMerger {
  readonly #database: DatabaseSync;
  readonly #statements: SqliteStatements;
  readonly #tail: EventTail;
  readonly #tailLimit: number;
  readonly #chunkSize: number;
  readonly #idleTimer: NodeJS.Timeout;
  #scheduled: NodeJS.Immediate | undefined;
  #round: Round | undefined;
  /** Set when no commit happened for the idle delay; cleared by the next commit. */
  #idle = false;

  constructor(database: DatabaseSync, statements: SqliteStatements, tail: EventTail, options: TailMergeOptions) {
    this.#database = database;
    this.#statements = statements;
    this.#tail = tail;
    this.#tailLimit = options.tailLimit ?? TAIL_MERGE_DEFAULTS.tailLimit;
    this.#chunkSize = options.mergeChunkSize ?? TAIL_MERGE_DEFAULTS.mergeChunkSize;
    const idleDelay = options.idleMergeDelayMs ?? TAIL_MERGE_DEFAULTS.idleMergeDelayMs;
    if (!(this.#tailLimit >= 0)) throw new RangeError(`tailLimit must be 0 or more, got ${this.#tailLimit}`);
    if (!(this.#chunkSize >= 1)) throw new RangeError(`mergeChunkSize must be 1 or more, got ${this.#chunkSize}`);
    if (!(idleDelay >= 0)) throw new RangeError(`idleMergeDelayMs must be 0 or more, got ${idleDelay}`);
    // Never keeps the process alive: whatever is left is merged on close or next open.
    this.#idleTimer = setTimeout(() => {
      this.#idle = true;
      this.#run();
    }, idleDelay).unref();
  }

  /** Tells the merger a group commit finished; schedules a chunk if there is work. */
  afterCommit(): void {
    this.#idle = false;
    this.#idleTimer.refresh();
    if (this.#shouldMerge()) this.#schedule();
  }

  /**
   * Stops scheduling merges and merges the whole tail now, as `close` does.
   * @throws the SQLite error of a failed chunk; what was not merged stays in the tail.
   */
  mergeAll(): void {
    clearTimeout(this.#idleTimer);
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    while (this.#round !== undefined || this.#tail.size > 0) {
      if (this.#mergeChunk() === 0 && this.#round === undefined && this.#tail.size > 0) {
        throw new Error('The event log tail in memory holds rows the file does not; another writer changed it.');
      }
    }
  }

  #schedule(): void {
    this.#scheduled ??= setImmediate(() => {
      this.#scheduled = undefined;
      this.#run();
    });
  }

  #run(): void {
    let merged = 0;
    try {
      while (this.#shouldMerge()) {
        const moved = this.#mergeChunk();
        merged += moved;
        if (moved === 0 && this.#round === undefined) break;
        // One chunk per turn, so that appends queued meanwhile commit in between; but
        // past twice the limit, appends outpace merging, and merging keeps pace instead.
        if (merged >= this.#chunkSize && this.#tail.size <= 2 * this.#tailLimit) break;
      }
    } catch (error) {
      // The events stay in the tail, where reads and idempotency still find them; the
      // next commit or idle spell tries again.
      process.emitWarning(error instanceof Error ? error : String(error), 'OnceEventLogMergeWarning');
      return;
    }
    if (this.#shouldMerge()) this.#schedule();
  }

  #shouldMerge(): boolean {
    const size = this.#tail.size;
    return this.#round !== undefined || size > this.#tailLimit || (this.#idle && size > 0);
  }

  /**
   * Merges the next chunk of the current round, beginning a round if none is going.
   * @returns how many events it moved.
   */
  #mergeChunk(): number {
    const round = this.#round ?? this.#beginRound();
    const moved: [stream: number, offset: number][] = [];
    let room = this.#chunkSize;
    this.#database.exec('BEGIN IMMEDIATE');
    try {
      while (room > 0 && round.streams.length > 0) {
        const stream = round.streams[0] as number;
        const events = this.#tail.eventsOf(stream);
        let count = 0;
        while (count < room && count < events.length && (events[count] as TailEvent).position <= round.through) {
          const event = events[count] as TailEvent;
          this.#statements.insertEvent.run(
            stream,
            event.offset,
            event.message,
            event.blockIndex,
            event.seq,
            event.envelope,
          );
          count += 1;
        }
        room -= count;
        const next = events[count];
        if (next === undefined || next.position > round.through) round.streams.shift();
        if (count === 0) continue;
        const last = (events[count - 1] as TailEvent).offset;
        this.#statements.markMerged.run(stream, last);
        moved.push([stream, last]);
      }
      if (round.streams.length === 0) {
        // Every row up to `through` is in `events` now (merged by this round or an
        // earlier one): delete them, and the marks that hid them, at once.
        this.#statements.deleteTail.run(round.through);
        this.#statements.deleteMarks.run();
      }
      this.#database.exec('COMMIT');
    } catch (error) {
      if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
      // Begin the round afresh: memory still holds whatever the failed chunk did not merge.
      this.#round = undefined;
      throw error;
    }
    const count = this.#chunkSize - room;
    for (const [stream, offset] of moved) this.#tail.dropThrough(stream, offset);
    this.#round = round.streams.length === 0 ? undefined : round;
    return count;
  }

  #beginRound(): Round {
    // The newest row of the table, not of memory: rows that an interrupted round copied
    // but did not delete may lie beyond every row memory holds, and must go too.
    const { position } = this.#statements.newestTailPosition.get() as { position: number | null };
    return { through: position ?? 0, streams: this.#tail.streams() };
  }
}
