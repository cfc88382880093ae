import type { BlockDeltaData } from '@once/protocol';

/**
 * Merges consecutive text (or tool-input JSON) deltas of one block that arrive within
 * `windowMs` into one. Surface patches pass straight through: composing JSON merge
 * patches is not plain concatenation. With `windowMs` 0 every delta passes through.
 */
export interface DeltaCoalescer {
  add(blockIndex: number, data: BlockDeltaData): void;
  /** Emits what is held now; called before any other event of the message. */
  flush(): void;
}

export function createDeltaCoalescer(
  windowMs: number,
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
      if (windowMs <= 0 || key === undefined) {
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
      timer = setTimeout(flush, windowMs);
    },
    flush,
  };
}
