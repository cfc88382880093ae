import type { CommitNotice, EventLog, StreamKey } from '@once/log';

/**
 * Resolves with the notices `log` passed on for `stream`, once one reached `head`. Never
 * rejects: a test waiting for a wake-up that never comes fails by its timeout.
 */
export function headAnnounced(log: EventLog, stream: StreamKey, head: number): Promise<CommitNotice[]> {
  const seen: CommitNotice[] = [];
  const { promise, resolve } = Promise.withResolvers<CommitNotice[]>();
  const unsubscribe = log.onCommit((notice) => {
    if (notice.stream.stream !== 'conversation' || stream.stream !== 'conversation') return;
    if (notice.stream.conversationId !== stream.conversationId) return;
    seen.push(notice);
    if (notice.head >= head) {
      unsubscribe();
      resolve(seen);
    }
  });
  return promise;
}
