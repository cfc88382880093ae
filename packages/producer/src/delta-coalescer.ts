import type { BlockDeltaData } from '@once/protocol';

/**
 * How long deltas wait to be merged: a window in milliseconds (0: every delta passes
 * through at once), or `'turn'`: the rest of the current event-loop turn, i.e. deltas
 * written by the same piece of input (one read of an upstream's body, which carries
 * several when the process fell behind) become one event, and a lone delta waits only
 * until the turn's end (`setImmediate`), where a group commit with no delay commits anyway.
 */
export type CoalesceWindow = number | 'turn';

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
  /** Set while a flush at the end of the turn is due; a flush before it makes it a no-op. */
  let endOfTurn: { due: boolean } | undefined;

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    if (endOfTurn !== undefined) endOfTurn.due = false;
    timer = undefined;
    endOfTurn = undefined;
    if (held === undefined) return;
    const { blockIndex, key, value } = held;
    held = undefined;
    emit(blockIndex, key === 'text' ? { text: value } : { partialJson: value });
  };

  return {
    add(blockIndex, data) {
      const key = 'text' in data ? 'text' : 'partialJson' in data ? 'partialJson' : undefined;
      if (window !== 'turn' && window <= 0) {
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
      if (window === 'turn') {
        const due = { due: true };
        endOfTurn = due;
        atEndOfTurn(() => {
          if (due.due) flush();
        });
      } else {
        timer = setTimeout(flush, window);
      }
    },
    flush,
  };
}

/**
 * Runs `task` once the current event-loop turn is over: Node's `setImmediate` (after the
 * turn's I/O callbacks and their promise jobs, in the same check phase as a group commit
 * with no delay); `setTimeout` 0 where there is none. Looked up at run time, as this
 * package compiles without Node's types.
 */
function atEndOfTurn(task: () => void): void {
  const { setImmediate } = globalThis as { setImmediate?: (task: () => void) => unknown };
  if (setImmediate === undefined) setTimeout(task, 0);
  else setImmediate(task);
}
