import { CANCELLED, createMessageWriter, SHUTTING_DOWN, type TurnContext, type TurnRunner } from '@once/producer';
import type { ConversationEventDraft, FinalMessageStatus, TurnEndReason } from '@once/protocol';

/** The words every fake assistant answer streams, one delta each. */
export const FAKE_ANSWER = ['Hello', ' from', ' the fake model.'];

/** A turn runner for tests, and a switch that makes its turns wait until they are stopped. */
export interface FakeTurnRunner {
  readonly run: TurnRunner;
  /** When true, a turn streams its first words and then waits for cancel or shutdown. */
  hold: boolean;
  /** Turns started so far, in order. */
  readonly started: string[];
  /** What each turn read of the attachments in its history: hash → bytes (undefined when missing). */
  readonly attachmentsRead: Map<string, Uint8Array | undefined>;
}

/**
 * Writes what a real turn writes — turn_start, one assistant message with a text block,
 * turn_end — without a model, so HTTP tests see a realistic stream.
 */
export function createFakeTurnRunner(): FakeTurnRunner {
  const runner: FakeTurnRunner = {
    hold: false,
    started: [],
    attachmentsRead: new Map(),
    run: async (turn) => {
      runner.started.push(turn.turnId);
      for (const attachment of turn.history.flatMap((message) => message.attachments ?? [])) {
        runner.attachmentsRead.set(attachment.hash, await turn.readAttachment?.(attachment.hash));
      }
      const hold = runner.hold;
      await turn.append([draft(turn, 'turn_start', { turnId: turn.turnId, userMessageId: turn.userMessageId })]);
      const writer = createMessageWriter(
        { conversationId: turn.conversationId, role: 'assistant', turnId: turn.turnId },
        { append: turn.append },
      );
      const block = writer.openBlock({ blockType: 'text' });
      const words = hold ? FAKE_ANSWER.slice(0, 1) : FAKE_ANSWER;
      for (const word of words) writer.appendDelta(block, { text: word });
      await writer.flush();
      if (hold) await stopped(turn.signal);
      const status: FinalMessageStatus = !turn.signal.aborted
        ? 'complete'
        : turn.signal.reason === SHUTTING_DOWN
          ? 'interrupted'
          : 'cancelled';
      await writer.complete(status);
      const reason: TurnEndReason =
        turn.signal.reason === CANCELLED ? 'cancelled' : status === 'complete' ? 'complete' : 'interrupted';
      await turn.append([draft(turn, 'turn_end', { turnId: turn.turnId, reason })]);
    },
  };
  return runner;
}

function draft(turn: TurnContext, type: 'turn_start' | 'turn_end', data: object): ConversationEventDraft {
  return {
    stream: 'conversation',
    conversationId: turn.conversationId,
    type,
    ts: new Date().toISOString(),
    data,
  } as ConversationEventDraft;
}

function stopped(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
