// Generates realistic conversation streams for property tests (the reducer's, the logs'): several turns, multi-step
// assistant messages with every block type, approvals, unknown future event types, app
// events (data parts placed in a message), and user messages queued while the assistant
// streams; some user messages carry attachments. The final snapshot each message_complete carries is built here by an
// independent model, not by the reducer. This file is the entry `@once/testing/conversation-script`: it and what it
// imports run anywhere, without Node.
import {
  type ClientMessageId,
  type ConversationEvent,
  type ConversationId,
  EVENT_TYPES,
  type FinalMessageStatus,
  type IncomingEvent,
  type MessageId,
  type Offset,
  type TurnId,
  type UnknownEvent,
} from '@once/protocol';
import { withEditParents } from './edit-parents.ts';
import { idsFor } from './ids-for.ts';
import { assistantMessage, type Draft, userMessage } from './message-drafts.ts';
import type { TurnSpec } from './turn-spec.ts';

export { idsFor } from './ids-for.ts';
export {
  type BlockSpec,
  blockSpecArbitrary,
  conversationArbitrary,
  type TurnSpec,
  turnSpecArbitrary,
} from './turn-spec.ts';

/** Builds the stream of one conversation: events with offsets 1..n. */
export function buildConversation(
  turns: readonly TurnSpec[],
  conversationId: ConversationId = idsFor(0)() as ConversationId,
): IncomingEvent[] {
  const newId = idsFor(turns.length + 1);
  let clock = Date.UTC(2026, 10, 23, 21, 0, 0);
  const ts = () => {
    clock += 7;
    return new Date(clock).toISOString();
  };
  const turnEvents: Draft[][] = [];
  let previousUserId: MessageId | undefined;

  turns.forEach((turn, turnIndex) => {
    const turnId = newId() as TurnId;
    const userId = newId() as MessageId;
    const assistantId = newId() as MessageId;
    const clientMessageId = turn.withClientMessageId ? (`client-${turnIndex}` as ClientMessageId) : undefined;
    const replaces = turn.branching === 'edit' ? previousUserId : undefined;
    const user = userMessage(
      conversationId,
      userId,
      turnId,
      clientMessageId,
      turn.userText,
      ts,
      replaces,
      turn.attachments,
    );
    previousUserId = userId;
    const assistant: Draft[] = [
      { type: 'turn_start', data: { turnId, userMessageId: userId } },
      { type: 'activity', data: { phase: 'thinking' } },
      ...assistantMessage(conversationId, assistantId, turnId, turn, ts),
      { type: 'usage', data: { inputTokens: 10 * (turnIndex + 1), outputTokens: turn.blocks.length } },
      { type: 'turn_end', data: { turnId, reason: turnEndReason(turn.status) } },
    ];
    if (turn.withUnknownEvent) assistant.splice(1, 0, { type: 'future_thing', data: { anything: [1, 2] } });
    if (turn.withDataPart) {
      const part = { messageId: assistantId, beforeBlock: 0, name: 'progress', id: 'p', data: { turn: turnIndex } };
      // After the assistant message opened, before the usage and turn_end events.
      assistant.splice(assistant.length - 3, 0, { type: 'data_progress', data: part });
    }
    const branching = turn.branching ?? 'none';
    if (branching === 'regenerate' || branching === 'select') {
      // Another turn answers the same user message with an alternative to this answer; its
      // turn_start names the answer replaced, as the daemon writes it (decision 040).
      const again = newId() as TurnId;
      assistant.push(
        { type: 'turn_start', data: { turnId: again, userMessageId: userId, replaces: assistantId } },
        ...assistantMessage(conversationId, newId() as MessageId, again, turn, ts, assistantId),
        { type: 'turn_end', data: { turnId: again, reason: turnEndReason(turn.status) } },
      );
      if (branching === 'select') assistant.push({ type: 'branch_selected', data: { messageId: assistantId } });
    }
    if (branching === 'select_unknown') {
      assistant.push({ type: 'branch_selected', data: { messageId: idsFor(turns.length + 99)() } });
    }
    const previous = turnEvents[turnIndex - 1];
    // An edit is sent between turns (the daemon refuses one while a turn runs).
    if (turn.queuedDuringPrevious && branching !== 'edit' && previous !== undefined) {
      previous.splice(Math.round(turn.queuedAt * previous.length), 0, ...user);
      turnEvents.push(assistant);
    } else {
      turnEvents.push([...user, ...assistant]);
    }
  });

  return withEditParents(turnEvents.flat()).map((draft, index) => {
    const event = { offset: (index + 1) as Offset, stream: 'conversation', conversationId, ts: ts(), ...draft };
    return (EVENT_TYPES.has(draft.type) ? event : { ...event, unknownType: true }) as IncomingEvent;
  });
}

function turnEndReason(status: FinalMessageStatus) {
  return status === 'complete' ? 'complete' : status;
}

export type { ConversationEvent, UnknownEvent };
