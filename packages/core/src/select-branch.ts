import type { BranchSelectedEvent } from '@once/protocol';
import { newestBelow } from './branch-selectors.ts';
import type { ConversationState } from './conversation-state.ts';
import { advance } from './cursor-steps.ts';

/**
 * Applies `branch_selected`: the current path now ends at the newest message below the
 * one named (docs/decisions/022-branches.md). `leafId` is kept only when that is not the
 * last message opened. A message the state does not know changes nothing but the offset.
 */
export function selectBranch(state: ConversationState, event: BranchSelectedEvent): ConversationState {
  const next = advance(state, event.offset);
  const leaf = newestBelow(state.messages, event.data.messageId);
  if (leaf === undefined) return next;
  const { leafId: _previous, ...rest } = next;
  return leaf === state.messages.at(-1)?.id ? rest : { ...rest, leafId: leaf };
}
