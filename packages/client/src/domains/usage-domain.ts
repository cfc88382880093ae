import type { ConversationState } from '@once/core';
import { isKnownEvent, type MessageCompleteEvent, type Usage, type UsageEvent } from '@once/protocol';
import type { DomainDefinition } from './domain-definition.ts';

/**
 * The usage domain's state: the token usage of every completed message that reports one,
 * by message id. The running turn's `usage` events are live readings the server's
 * snapshot does not keep, so they are delivered but change no state.
 */
export type UsageDomainState = Readonly<Record<string, Usage>>;

/** The events of the usage domain. */
export type UsageDomainEvent = UsageEvent | MessageCompleteEvent;

/** Token usage: `usage` (one model call, live) and `message_complete` (a message's total). */
export const usageDomain: DomainDefinition<ConversationState, UsageDomainState, UsageDomainEvent> = {
  name: 'usage',
  project(state) {
    const totals: Record<string, Usage> = {};
    for (const message of state.messages) if (message.usage !== undefined) totals[message.id] = message.usage;
    return totals;
  },
  claim: (event) =>
    isKnownEvent(event) && (event.type === 'usage' || event.type === 'message_complete') ? { event } : undefined,
  fold(state, event) {
    if (event.type === 'usage') return state;
    // The store keeps the event's usage, else the one inside its final message.
    const usage = event.data.usage ?? event.data.message.usage;
    const { [event.messageId]: _, ...rest } = state;
    return usage === undefined ? rest : { ...rest, [event.messageId]: usage };
  },
};
