import type { CommitListener, CommitNotice } from './event-log.ts';

/**
 * Calls one commit listener. A faulty listener must not fail a commit that already
 * happened, nor starve the other listeners; its error still surfaces, as an uncaught
 * exception, a microtask later.
 */
export function callCommitListener(listener: CommitListener, notice: CommitNotice): void {
  try {
    listener(notice);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
