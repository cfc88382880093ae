import type { ConversationClient } from '@once/client';
import type { ConversationState } from '@once/core';
import type { TurnId } from '@once/protocol';
import { createTranscriptPrinter, type TextSink } from './print-transcript.ts';

/**
 * Prints the answer of turn `turnId` as it streams, each character once, and resolves
 * once the turn has ended.
 * @returns the exit code: 0 when the answer completed, 1 when it ended otherwise.
 */
export async function followTurn(
  conversation: Pick<ConversationClient, 'store'>,
  turnId: TurnId,
  out: TextSink,
): Promise<number> {
  const printer = createTranscriptPrinter(out);
  const state = await new Promise<ConversationState>((resolve) => {
    let stop: (() => void) | undefined;
    const check = () => {
      const current = conversation.store.getSnapshot();
      printer.print(current.messages.filter((message) => message.turnId === turnId));
      if (!turnEnded(current, turnId)) return;
      stop?.();
      resolve(current);
    };
    stop = conversation.store.subscribe(check);
    check();
  });
  const answer = state.messages.find((message) => message.role === 'assistant' && message.turnId === turnId);
  return answer?.status === 'complete' ? 0 : 1;
}

/** The turn ran and is over: its answer is no longer streaming and no turn of that id runs. */
export function turnEnded(state: ConversationState, turnId: TurnId): boolean {
  if (state.activeTurn?.turnId === turnId) return false;
  return state.messages.some(
    (message) => message.role === 'assistant' && message.turnId === turnId && message.status !== 'streaming',
  );
}
