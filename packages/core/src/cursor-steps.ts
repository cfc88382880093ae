import type { Offset } from '@once/protocol';
import type { ConversationState, ResyncNeeded } from './conversation-state.ts';

/** The state at `offset` with nothing else changed, and no resync pending. */
export function advance(state: ConversationState, offset: Offset): ConversationState {
  if (state.resync === undefined) return { ...state, offset };
  const { resync: _resolved, ...rest } = state;
  return { ...rest, offset };
}

/** Records that an event was refused. The first refusal is kept until one applies. */
export function needResync(state: ConversationState, resync: ResyncNeeded): ConversationState {
  if (state.resync !== undefined) return state;
  return { ...state, resync };
}
