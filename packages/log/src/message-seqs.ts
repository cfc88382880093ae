/**
 * The highest seq stored per block of one message, as a log's appender knows it (undefined
 * until learned by reading the message's events). A draft whose seq is above its block's
 * highest is new without any look-up, which is how a streaming message always appends;
 * only a seq at or below it (a retry of an older event, or a gap being filled) needs the
 * message's stored events read.
 */
export interface MessageSeqs {
  highestSeqs: Map<number, number> | undefined;
}

/** Records that an event with this block index and seq is now stored. */
export function noteStored(record: MessageSeqs, blockIndex: number, seq: number): void {
  const highest = record.highestSeqs;
  if (highest !== undefined && seq > (highest.get(blockIndex) ?? Number.NEGATIVE_INFINITY)) {
    highest.set(blockIndex, seq);
  }
}

/** Whether an event with this block index and seq may already be stored, as far as the record knows. */
export function mayBeStored(record: MessageSeqs, blockIndex: number, seq: number): boolean {
  const highest = record.highestSeqs?.get(blockIndex);
  return highest !== undefined && seq <= highest;
}
