import type { AppendDrafts } from '@once/producer';
import { OnceError } from '@once/protocol';

/** A turn's way to the log, and the end of it: see {@link trackTurnWrites}. */
export interface TurnWrites {
  /** What the turn appends through. */
  readonly append: AppendDrafts;
  /** Refuses further writes, then waits until every write made so far has settled. */
  end(): Promise<void>;
}

/**
 * Keeps count of a turn's writes still on their way to the log, so that the turn ends only
 * once each has been stored or refused. A runner often stops before: a streamed message
 * sends its events without waiting for each, and one that fails (its lease was taken over)
 * throws at its next word while the words after the refused one still wait for their
 * transaction. Were the turn over then, its daemon could take the conversation's lease
 * again, and those writes would pass the fence (it names the daemon, not the turn) and land
 * after the message the new holder closed, skipping the refused `seq`s: every reader's fold
 * would stop there. A write after the end (a coalesced delta's timer) is refused.
 */
export function trackTurnWrites(append: AppendDrafts): TurnWrites {
  const pending = new Set<Promise<unknown>>();
  let ended = false;
  return {
    append(drafts) {
      if (ended) {
        return Promise.reject(new OnceError('conflict', 'This turn has ended: nothing more of it is stored.'));
      }
      const written = append(drafts);
      const settled: Promise<unknown> = written.then(
        () => pending.delete(settled),
        () => pending.delete(settled),
      );
      pending.add(settled);
      return written;
    },
    async end() {
      ended = true;
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
