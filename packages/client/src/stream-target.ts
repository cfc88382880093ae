import type { IncomingEvent, Offset } from '@once/protocol';
import type { StreamKey } from './transport.ts';

/**
 * How an attempt ends after a refused event: `resume` follows the stream again after the
 * offset held; `refetch` first replaces the state with a fresh one from the server.
 */
export type AttemptEnd = 'resume' | 'refetch';

/** What applying one event did. */
export interface ApplyOutcome {
  /** The held offset moved forward. */
  readonly advanced: boolean;
  /** Set when the event was refused: how the connection loop must continue. */
  readonly end?: AttemptEnd;
}

/**
 * One stream's state as {@link connectStream} keeps it: where it stands, how to fetch a
 * fresh start, and how to fold one event. A conversation's message store is one; an
 * account's conversation list is another.
 */
export interface StreamTarget {
  /** The stream followed. */
  readonly stream: StreamKey;
  /** Offset of the last event applied (or of the start state). */
  offset(): Offset;
  /** Fetches the start state from the server and puts the state onto it. */
  refetch(signal: AbortSignal): Promise<void>;
  /** Folds one event; foreign and duplicate events change nothing and end nothing. */
  apply(event: IncomingEvent): ApplyOutcome;
  /** Told that an attempt now follows the stream after `afterOffset` (for a wire log). Optional. */
  following?(afterOffset: Offset): void;
}
