import type { MessageSeqs } from '@once/log';

/**
 * What the appender knows of one message: its integer key, the offset of its first
 * event, and, per block, the highest seq stored (see `MessageSeqs`).
 */
export interface MessageRecord extends MessageSeqs {
  readonly key: number;
  /** Offset of the message's first event in its stream; null when a migrated file lacked it. */
  readonly firstOffset: number | null;
}
