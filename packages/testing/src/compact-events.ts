import type { IncomingEvent, Offset } from '@once/protocol';

/** The event types compaction removes from a completed message: its blocks' own events. */
const BLOCK_EVENT_TYPES: ReadonlySet<string> = new Set(['block_open', 'block_delta', 'block_close']);

/**
 * What a conversation stream reads as once the given messages were compacted, by the rule
 * of docs/decisions/021-compaction.md — the reference the reducer's properties and the
 * logs' conformance suite check against:
 *
 * - a message is compacted only once the stream holds its `message_complete` (which
 *   carries the whole final message); the others are left as they are;
 * - a compacted message keeps its `message_open` and `message_complete`, and loses its
 *   `block_open`, `block_delta` and `block_close` events;
 * - every other event keeps its offset; an event whose predecessor in the stream is no
 *   longer `offset - 1` names it as `previousOffset` (0 when nothing precedes it).
 *
 * Compacting again, with the same or more messages, gives what compacting them all at once
 * gives.
 */
export function compactEvents(events: readonly IncomingEvent[], messageIds: Iterable<string>): IncomingEvent[] {
  const chosen = new Set(messageIds);
  const completed = new Set<string>();
  for (const event of events) {
    const messageId = messageIdOf(event);
    if (event.type === 'message_complete' && messageId !== undefined && chosen.has(messageId)) completed.add(messageId);
  }
  const kept: IncomingEvent[] = [];
  let previous = 0;
  for (const event of events) {
    const messageId = messageIdOf(event);
    if (BLOCK_EVENT_TYPES.has(event.type) && messageId !== undefined && completed.has(messageId)) continue;
    const { previousOffset: _stale, ...rest } = event as IncomingEvent & { previousOffset?: Offset };
    kept.push(
      (event.offset === previous + 1 ? rest : { ...rest, previousOffset: previous as Offset }) as IncomingEvent,
    );
    previous = event.offset;
  }
  return kept;
}

function messageIdOf(event: IncomingEvent): string | undefined {
  return 'messageId' in event ? event.messageId : undefined;
}
