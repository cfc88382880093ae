import { type ActiveTurn, type Activity, type ConversationState, reduce } from '@once/core';
import { type ActivityEvent, isKnownEvent, type TurnEndEvent, type TurnStartEvent } from '@once/protocol';
import { conversationBefore } from './conversation-before.ts';
import type { DomainDefinition } from './domain-definition.ts';

/** The turn domain's state: the running turn and what the assistant is doing. */
export interface TurnDomainState {
  /** The turn running now; absent between turns. */
  readonly activeTurn?: ActiveTurn;
  readonly activity: Activity;
}

/** The events of the turn domain. */
export type TurnDomainEvent = TurnStartEvent | TurnEndEvent | ActivityEvent;

const TYPES: ReadonlySet<string> = new Set<TurnDomainEvent['type']>(['turn_start', 'turn_end', 'activity']);

/** Turns and activity: `turn_start`, `turn_end` (which also sets the activity to idle), `activity`. */
export const turnDomain: DomainDefinition<ConversationState, TurnDomainState, TurnDomainEvent> = {
  name: 'turn',
  project: pickTurn,
  claim: (event) => (isKnownEvent(event) && TYPES.has(event.type) ? { event: event as TurnDomainEvent } : undefined),
  fold: (state, event) => pickTurn(reduce(conversationBefore(event, withoutUndefined(state)), event)),
};

function pickTurn(state: ConversationState): TurnDomainState {
  return state.activeTurn === undefined
    ? { activity: state.activity }
    : { activeTurn: state.activeTurn, activity: state.activity };
}

function withoutUndefined(state: TurnDomainState): Partial<ConversationState> {
  return state.activeTurn === undefined
    ? { activity: state.activity }
    : { activeTurn: state.activeTurn, activity: state.activity };
}
