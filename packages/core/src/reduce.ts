import { type IncomingEvent, isKnownEvent } from '@once/protocol';
import type { ConversationState } from './conversation-state.ts';
import { needResync } from './cursor-steps.ts';
import { recordAppEvent } from './record-app-event.ts';
import { reduceMessageEvent } from './reduce-message-event.ts';
import { reduceTurnEvent } from './reduce-turn-event.ts';
import { selectBranch } from './select-branch.ts';

/**
 * Folds one event into a conversation's state. Pure and idempotent:
 *
 *   other stream or conversation ─────────────► unchanged (same object)
 *   offset ≤ state.offset (already applied) ──► unchanged (same object)
 *   offset > state.offset + 1 (one missing) ──► refused, `resync` says from where
 *   offset = state.offset + 1, or the event ──┐ (compaction removed the events between:
 *   follows state.offset (`previousOffset`)   │  they are not missing)
 *                               ┌─────────────┘
 *                               ├─ unknown type ──────► kept in appEvents, offset advances
 *                               ├─ seq ≤ watermark ───► offset advances, nothing else
 *                               ├─ seq skips one ─────► refused, `resync` set
 *                               └─ otherwise ─────────► applied, offset advances
 *
 * Nothing is ever applied past a gap: the caller sees `resync` and refetches.
 */
export function reduce(state: ConversationState, event: IncomingEvent): ConversationState {
  if (event.stream !== 'conversation' || event.conversationId !== state.conversationId) return state;
  if (event.offset <= state.offset) return state;
  if (event.offset !== state.offset + 1 && !followsCompaction(event, state.offset)) {
    return needResync(state, {
      reason: 'offset_gap',
      afterOffset: state.offset,
      refusedOffset: event.offset,
      detail: `Event ${event.offset} arrived after event ${state.offset}; events in between are missing.`,
    });
  }
  if (!isKnownEvent(event)) return recordAppEvent(state, event);
  switch (event.type) {
    case 'message_open':
    case 'block_open':
    case 'block_delta':
    case 'block_close':
    case 'message_complete':
      return reduceMessageEvent(state, event);
    case 'turn_start':
    case 'turn_end':
    case 'activity':
    case 'approval_request':
    case 'approval_resolved':
    case 'usage':
      return reduceTurnEvent(state, event);
    case 'branch_selected':
      return selectBranch(state, event);
    default: {
      // Every known type has its case (a new one fails to compile here). An event of a type
      // this version does not know but that nobody marked `unknownType` (read back raw from
      // storage, say) is still an app event, as the diagram says.
      const unknown: never = event;
      return recordAppEvent(state, unknown as IncomingEvent);
    }
  }
}

/**
 * Whether the events between `offset` and this event were compacted away
 * (docs/decisions/021-compaction.md): the event names, as `previousOffset`, the event
 * before it in the stream, and the state holds at least that one. A `previousOffset` at
 * or past the event's own offset says nothing and is ignored.
 */
function followsCompaction(event: IncomingEvent, offset: number): boolean {
  const previous = 'previousOffset' in event ? event.previousOffset : undefined;
  return previous !== undefined && previous < event.offset && previous <= offset;
}

/** Folds events in order; see {@link reduce}. */
export function reduceAll(state: ConversationState, events: Iterable<IncomingEvent>): ConversationState {
  let next = state;
  for (const event of events) next = reduce(next, event);
  return next;
}
