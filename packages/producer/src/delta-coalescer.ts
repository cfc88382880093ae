import type { BlockDeltaData } from '@once/protocol';

/**
 * How long deltas wait to be merged: a window in milliseconds (0: every delta passes
 * through at once), or `'batch'`: until the writer's caller says its batch of input is
 * done (`MessageWriter.sendHeldDeltas`, e.g. at the end of what one read of an upstream's
 * body brought, several deltas once the process fell behind) or writes another event of
 * the message. No timer: a caller that reads in batches loses no time to it.
 */
export type CoalesceWindow = number | 'batch';

/**
 * Merges consecutive text (or tool-input JSON) deltas of one block that arrive within
 * the window into one. Surface patches pass straight through: composing JSON merge
 * patches is not plain concatenation.
 */
export interface DeltaCoalescer {
  add(blockIndex: number, data: BlockDeltaData): void;
  /** Emits what is held now; called before any other event of the message. */
  flush(): void;
}

export function createDeltaCoalescer(
  window: CoalesceWindow,
  emit: (blockIndex: number, data: BlockDeltaData) => void,
): DeltaCoalescer {
  let held: { blockIndex: number; key: 'text' | 'partialJson'; value: string } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (held === undefined) return;
    const { blockIndex, key, value } = held;
    held = undefined;
    emit(blockIndex, key === 'text' ? { text: value } : { partialJson: value });
  };

  return {
    add(blockIndex, data) {
      const key = 'text' in data ? 'text' : 'partialJson' in data ? 'partialJson' : undefined;
      if (window !== 'batch' && window <= 0) {
        flush();
        emit(blockIndex, data);
        return;
      }
      if (key === undefined) {
        flush();
        emit(blockIndex, data);
        return;
      }
      const value = key === 'text' ? (data as { text: string }).text : (data as { partialJson: string }).partialJson;
      if (held !== undefined && held.blockIndex === blockIndex && held.key === key) {
        held.value += value;
        return;
      }
      flush();
      held = { blockIndex, key, value };
      if (window !== 'batch') timer = setTimeout(flush, window);
    },
    flush,
  };
}
