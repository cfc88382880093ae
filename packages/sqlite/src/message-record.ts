/**
 * What the appender knows of one message: its integer key, the offset of its first
 * event, and, per block, the highest seq stored. A draft whose seq is above its block's
 * highest is new without any look-up, which is how a streaming message always appends;
 * only a seq at or below it (a retry of an older event, or a gap being filled) needs the
 * message's stored events read.
 */
export interface MessageRecord {
  readonly key: number;
  /** Offset of the message's first event in its stream; null when a migrated file lacked it. */
  readonly firstOffset: number | null;
  /** Highest seq stored per block index; undefined until learned by reading the message's events. */
  highestSeqs: Map<number, number> | undefined;
}

/** Records that an event with this block index and seq is now stored. */
export function noteStored(record: MessageRecord, blockIndex: number, seq: number): void {
  const highest = record.highestSeqs;
  if (highest !== undefined && seq > (highest.get(blockIndex) ?? Number.NEGATIVE_INFINITY)) {
    highest.set(blockIndex, seq);
  }
}

/** Whether an event with this block index and seq may already be stored, as far as the record knows. */
export function mayBeStored(record: MessageRecord, blockIndex: number, seq: number): boolean {
  const highest = record.highestSeqs?.get(blockIndex);
  return highest !== undefined && seq <= highest;
}
