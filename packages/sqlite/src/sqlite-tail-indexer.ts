import type { DatabaseSync } from 'node:sqlite';
import type { EventTail } from './event-tail.ts';
import { encodePositions } from './run-positions.ts';
import type { SqliteStatements } from './sqlite-statements.ts';
import { beginWrite } from './sqlite-write-lock.ts';

/** When the tail (the log rows not indexed yet) is indexed. */
export interface TailIndexOptions {
  /**
   * Once the tail holds more than this many events, they are indexed between two group
   * commits, in one transaction that writes one `runs` row per stream. Larger values
   * give each run more events (fewer rows, fewer look-ups on a catch-up read) and keep
   * more in memory (about the events' JSON size; the tail is also read back when the
   * file opens). Default: 20,000.
   */
  readonly tailLimit?: number;
  /**
   * After this many milliseconds without a commit, the tail is indexed whatever its
   * size, so that an idle log holds nothing unindexed. Default: 1,000.
   */
  readonly idleIndexDelayMs?: number;
}

/** Defaults of {@link TailIndexOptions}. */
export const TAIL_INDEX_DEFAULTS = { tailLimit: 20_000, idleIndexDelayMs: 1_000 } as const;

/**
 * Indexes the tail in rounds: a round writes, for every stream in the tail, one `runs`
 * row with the positions of its tail events, and moves the mark past them, in one
 * transaction; then memory forgets them. Nothing is copied or deleted — the events stay
 * where their append wrote them — so a round is small, and a crash before its commit
 * leaves the rows beyond the mark, which the next open reads back into the tail.
 */
export class SqliteTailIndexer {
  readonly #database: DatabaseSync;
  readonly #statements: SqliteStatements;
  readonly #tail: EventTail;
  readonly #tailLimit: number;
  readonly #idleTimer: NodeJS.Timeout;
  #scheduled: NodeJS.Immediate | undefined;

  constructor(database: DatabaseSync, statements: SqliteStatements, tail: EventTail, options: TailIndexOptions) {
    this.#database = database;
    this.#statements = statements;
    this.#tail = tail;
    this.#tailLimit = options.tailLimit ?? TAIL_INDEX_DEFAULTS.tailLimit;
    const idleDelay = options.idleIndexDelayMs ?? TAIL_INDEX_DEFAULTS.idleIndexDelayMs;
    if (!(this.#tailLimit >= 0)) throw new RangeError(`tailLimit must be 0 or more, got ${this.#tailLimit}`);
    if (!(idleDelay >= 0)) throw new RangeError(`idleIndexDelayMs must be 0 or more, got ${idleDelay}`);
    // Never keeps the process alive: whatever is left is indexed on close or next open.
    this.#idleTimer = setTimeout(() => this.#run(), idleDelay).unref();
  }

  /** Tells the indexer a group commit finished; schedules a round when the tail is full. */
  afterCommit(): void {
    this.#idleTimer.refresh();
    if (this.#tail.size > this.#tailLimit) this.#scheduled ??= setImmediate(() => this.#run());
  }

  /**
   * Stops scheduling rounds and indexes the whole tail now, as `close` does.
   * @throws the SQLite error of a failed round; the tail then stays unindexed.
   */
  indexAll(): void {
    clearTimeout(this.#idleTimer);
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    this.#index();
  }

  /**
   * Indexes the whole tail now, between commits, and goes on scheduling rounds as before
   * (compaction needs the events it removes indexed). Leaves the tail as it was when the
   * checkpoint thread holds the write lock for a moment.
   * @throws the SQLite error of a failed round; the tail then stays unindexed.
   */
  indexNow(): void {
    this.#index();
  }

  #run(): void {
    this.#scheduled = undefined;
    try {
      this.#index();
    } catch (error) {
      // The events stay in the tail, where reads and idempotency still find them; the
      // next full tail or idle spell tries again.
      process.emitWarning(error instanceof Error ? error : String(error), 'OnceEventLogIndexWarning');
    }
  }

  #index(): void {
    if (this.#tail.size === 0) return;
    if (!beginWrite(this.#database)) {
      // The checkpoint thread holds the write lock for a moment; the events stay in the
      // tail, and the next commit or idle spell tries again.
      this.#idleTimer.refresh();
      return;
    }
    let through = 0;
    try {
      for (const stream of this.#tail.streams()) {
        const run = this.#tail.runOf(stream);
        const lastPosition = run?.positions.at(-1);
        if (run === undefined || lastPosition === undefined) continue;
        this.#statements.insertRun.run(stream, run.lastOffset, run.firstOffset, encodePositions(run.positions));
        through = Math.max(through, lastPosition);
      }
      this.#statements.setMark.run(through);
      this.#database.exec('COMMIT');
    } catch (error) {
      if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
      throw error;
    }
    this.#tail.clear();
  }
}
