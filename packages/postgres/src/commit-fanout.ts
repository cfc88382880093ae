import { type CommitListener, type CommitNotice, callCommitListener, streamId } from '@once/log';

/**
 * Beyond this many streams the memory of announced heads starts afresh. A stream
 * forgotten this way may once be announced with a head lower than one announced before
 * (a late notification); a listener reads from its own last offset, so it only reads nothing.
 */
const REMEMBERED_STREAMS = 10_000;

/**
 * Calls the log's commit listeners, for its own commits and for other daemons' commits
 * it hears of through LISTEN. The two paths race (a notification of an older commit may
 * arrive after this log announced a newer one), so a notice is passed on only when it
 * raises the highest head announced for its stream: listeners see heads that only grow.
 */
export class CommitFanout {
  readonly #listeners = new Set<CommitListener>();
  readonly #announced = new Map<string, CommitNotice>();

  /** Registers a listener; returns the function that unregisters it. */
  add(listener: CommitListener): () => void {
    // Wrapped so that the same function registered twice is called twice.
    const entry: CommitListener = (notice) => listener(notice);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Passes a notice on to every listener, unless a head as high was announced already. */
  announce(notice: CommitNotice): void {
    const id = streamId(notice.stream);
    if ((this.#announced.get(id)?.head ?? 0) >= notice.head) return;
    if (this.#announced.size >= REMEMBERED_STREAMS) this.#announced.clear();
    // Only the head: the events a notice may carry are for its listeners, now.
    this.#announced.set(id, { stream: notice.stream, head: notice.head });
    for (const listener of this.#listeners) callCommitListener(listener, notice);
  }

  /** The streams announced so far (up to the memory's bound), with the last head announced. */
  announced(): CommitNotice[] {
    return [...this.#announced.values()];
  }
}
