import type { TurnEvent } from '@once/protocol';
import type { ConversationState } from './conversation-state.ts';
import { advance } from './cursor-steps.ts';

/** Applies a turn, activity, approval or usage event whose offset is the next one. */
export function reduceTurnEvent(state: ConversationState, event: TurnEvent): ConversationState {
  const next = advance(state, event.offset);
  switch (event.type) {
    case 'turn_start': {
      const { turnId, userMessageId, replaces, clientMessageId } = event.data;
      // A regenerate turn keeps what its answer will replace (decision 040): recovery
      // places an answer the turn never opened by it.
      return {
        ...next,
        activeTurn: {
          turnId,
          userMessageId,
          ...(replaces === undefined ? {} : { replaces }),
          ...(clientMessageId === undefined ? {} : { clientMessageId }),
        },
      };
    }
    case 'turn_end': {
      if (next.activeTurn?.turnId !== event.data.turnId) return next;
      // A turn that ended waits for nothing any more.
      const { activeTurn: _ended, ...rest } = next;
      return { ...rest, activity: { phase: 'idle' }, pendingApprovals: [] };
    }
    case 'activity':
      return {
        ...next,
        activity:
          event.data.text === undefined
            ? { phase: event.data.phase }
            : { phase: event.data.phase, text: event.data.text },
      };
    case 'approval_request': {
      const { toolUseId, toolName, input } = event.data;
      if (next.pendingApprovals.some((approval) => approval.toolUseId === toolUseId)) return next;
      return { ...next, pendingApprovals: [...next.pendingApprovals, { toolUseId, toolName, input }] };
    }
    case 'approval_resolved':
      return {
        ...next,
        pendingApprovals: next.pendingApprovals.filter((approval) => approval.toolUseId !== event.data.toolUseId),
      };
    case 'usage':
      // Usage is totalled per message by message_complete; the event is for live meters.
      return next;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
