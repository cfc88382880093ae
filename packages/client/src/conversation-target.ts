import type { MessageStore } from '@once/core';
import type { Offset } from '@once/protocol';
import type { StreamTarget } from './stream-target.ts';
import type { Transport } from './transport.ts';

/** A conversation's store as a {@link StreamTarget}: its snapshot is the start state. */
export function conversationTarget(transport: Transport, store: MessageStore): StreamTarget {
  const conversationId = store.getSnapshot().conversationId;
  return {
    stream: { stream: 'conversation', conversationId },
    offset: (): Offset => store.getSnapshot().offset,
    async refetch(signal) {
      store.reset(await transport.snapshot(conversationId, signal));
    },
    apply(event) {
      // Another stream's event changes nothing (the reducer ignores it); it must not be
      // mistaken for a refused one below.
      if (event.stream !== 'conversation' || event.conversationId !== conversationId) return { advanced: false };
      const before = store.getSnapshot().offset;
      store.apply(event);
      const after = store.getSnapshot();
      const advanced = after.offset > before;
      if (after.resync === undefined || event.offset <= after.offset) return { advanced };
      // Refused. The reducer keeps its first refusal, so decide from this event's offset by
      // its rule: the next offset refused means its seq skips (the stream cannot repair
      // that: refetch); a later offset means events are missing (resume after ours).
      return { advanced, end: event.offset === after.offset + 1 ? 'refetch' : 'resume' };
    },
  };
}
