import { type Offset, OnceError } from '@once/protocol';

/**
 * Checks that a snapshot's offset names an event the stream holds: a whole number from 1
 * to `head`. A snapshot beyond the head would claim events nobody stored.
 * @throws OnceError `invalid_request` naming the offset and the head.
 */
export function checkSnapshotOffset(offset: number, head: Offset): void {
  if (!Number.isSafeInteger(offset) || offset < 1 || offset > head) {
    throw new OnceError(
      'invalid_request',
      `A snapshot's offset must be a whole number from 1 to the stream's head (${head}), got ${offset}.`,
    );
  }
}
