import type { ConversationEvent, OnceEvent } from './event.ts';

/**
 * An event as a producer writes it, before the log gives it an offset at commit.
 * Distributes over the union, so a draft still narrows by `type`.
 */
export type EventDraft<E extends OnceEvent = OnceEvent> = E extends unknown ? Omit<E, 'offset'> : never;

/** A draft of a conversation-stream event. */
export type ConversationEventDraft = EventDraft<ConversationEvent>;
