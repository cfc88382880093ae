import type {
  AppEventRecord,
  Attachment,
  ClientMessageId,
  ConversationId,
  ConversationSnapshot,
  MessageId,
  MessageSnapshot,
  Offset,
  PendingApproval,
  TextBlock,
} from '@once/protocol';

/**
 * Why a state cannot take the next event it was given. The caller fetches the events
 * after `afterOffset` (or a fresh snapshot) and continues; nothing was applied silently.
 */
export interface ResyncNeeded {
  /**
   * `offset_gap`: an event arrived whose offset is not the next one; resuming with
   * `?after=afterOffset` repairs it.
   * `sequence_gap`: the next offset arrived, but its `seq` skips one for its block, or it
   * refers to a message or block this state never saw open. The stream itself cannot
   * repair that (the same event would come again): refetch the snapshot.
   */
  readonly reason: 'offset_gap' | 'sequence_gap';
  /** The last offset this state holds: resume with `?after=afterOffset`. */
  readonly afterOffset: Offset;
  /** The offset of the event that was refused. */
  readonly refusedOffset: number;
  /** One sentence for logs. */
  readonly detail: string;
}

/** A user message shown before the server has confirmed it (optimistic send). */
export interface PendingUserMessage {
  readonly clientMessageId: ClientMessageId;
  readonly role: 'user';
  readonly status: 'pending';
  readonly createdAt: string;
  readonly blocks: readonly [TextBlock];
  /** Files sent with it, as the server's message will carry them. */
  readonly attachments?: readonly Attachment[];
}

/** The turn running now. */
export type ActiveTurn = Readonly<NonNullable<ConversationSnapshot['activeTurn']>>;

/** What the assistant is doing now. */
export type Activity = Readonly<ConversationSnapshot['activity']>;

/**
 * One conversation as a client renders it: the fold of its stream up to `offset`.
 * Immutable: every change makes a new object and keeps the untouched parts, so a message
 * that did not change keeps its identity.
 */
export interface ConversationState {
  readonly conversationId: ConversationId;
  /** The offset of the last event applied; 0 before any. */
  readonly offset: Offset;
  /** Server messages in the order they opened. */
  readonly messages: readonly MessageSnapshot[];
  /**
   * The last message of the current path (docs/decisions/022-branches.md); absent when it
   * is the last message opened, the linear default.
   */
  readonly leafId?: MessageId;
  /** Optimistic user messages not yet confirmed by the server, in the order sent. */
  readonly pending: readonly PendingUserMessage[];
  readonly activeTurn?: ActiveTurn;
  readonly activity: Activity;
  /** Tool calls waiting for a decision, oldest first. */
  readonly pendingApprovals: readonly PendingApproval[];
  /**
   * The conversation's app events (types the protocol does not define), in offset order.
   * All are kept, none dropped: they are rare, and the log holds them anyway, so the
   * state grows with them as it grows with messages.
   */
  readonly appEvents: readonly AppEventRecord[];
  /** Present when an event was refused because one before it is missing. */
  readonly resync?: ResyncNeeded;
}

const IDLE: Activity = { phase: 'idle' };

/** The state of a conversation before its first event. */
export function createConversationState(conversationId: ConversationId): ConversationState {
  return {
    conversationId,
    offset: 0 as Offset,
    messages: [],
    pending: [],
    activity: IDLE,
    pendingApprovals: [],
    appEvents: [],
  };
}
