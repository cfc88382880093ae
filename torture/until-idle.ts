import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationClient } from '@once/client';
import { currentPath } from '@once/core';

/**
 * Waits until the conversation looks idle to its user: no turn running, no message still
 * sending, and the current path ending in a finished answer; or until `by` (ms since the
 * epoch). What a person waits for before pressing Regenerate or paging to another answer,
 * which the daemon refuses (`409`) while a turn runs.
 * @returns whether it looked idle in time.
 */
export async function untilIdle(conversation: ConversationClient, by: number): Promise<boolean> {
  for (;;) {
    const state = conversation.store.getSnapshot();
    const last = currentPath(state).at(-1);
    const idle =
      state.activeTurn === undefined &&
      state.pending.length === 0 &&
      last?.role === 'assistant' &&
      last.status !== 'streaming';
    if (idle) return true;
    if (Date.now() >= by) return false;
    await sleep(100);
  }
}
