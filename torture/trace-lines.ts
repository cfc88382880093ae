import type { IncomingEvent } from '@once/protocol';

/** One event as a trace line: offset, type, message, block, seq (or the turn a turn event names). */
export function traceLine(event: IncomingEvent): string {
  if ('messageId' in event && typeof event.messageId === 'string') {
    return `#${event.offset} ${event.type} message ${event.messageId.slice(-8)} block ${event.blockIndex} seq ${event.seq}`;
  }
  const { turnId, userMessageId } = (event.data ?? {}) as { turnId?: unknown; userMessageId?: unknown };
  const turn = typeof turnId === 'string' ? ` turn ${turnId.slice(-8)}` : '';
  const user = typeof userMessageId === 'string' ? ` user message ${userMessageId.slice(-8)}` : '';
  return `#${event.offset} ${event.type}${turn}${user}`;
}

/** The events within three offsets of `offset`, as trace lines. */
export function aroundOffset(events: readonly IncomingEvent[], offset: number): string[] {
  return events.filter((event) => Math.abs(event.offset - offset) <= 3).map(traceLine);
}

/** The last 12 events of one message, as trace lines. */
export function ofMessage(events: readonly IncomingEvent[], messageId: string): string[] {
  return events
    .filter((event) => 'messageId' in event && event.messageId === messageId)
    .slice(-12)
    .map(traceLine);
}

/** The turn_start and turn_end of one turn, as trace lines. */
export function ofTurn(events: readonly IncomingEvent[], turnId: string): string[] {
  return events
    .filter(
      (event) =>
        (event.type === 'turn_start' || event.type === 'turn_end') &&
        (event.data as { turnId?: unknown }).turnId === turnId,
    )
    .map(traceLine);
}
