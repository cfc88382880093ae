import type {
  ApprovalDecision,
  ClientMessageId,
  ConversationId,
  MessageId,
  MessageSnapshot,
  TurnId,
} from '@once/protocol';
import type { AppendDrafts } from './create-message-writer.ts';

/** What a turn runner gets: one turn of one conversation. */
export interface TurnContext {
  readonly conversationId: ConversationId;
  readonly turnId: TurnId;
  readonly userMessageId: MessageId;
  /**
   * A regenerate turn (docs/decisions/022-branches.md): the assistant message this turn's
   * answer replaces. Its `message_open` must carry it (`createMessageWriter`'s `replaces`),
   * or the answer shows as a continuation instead of an alternative. Its `turn_start` need
   * not: the daemon adds this and `clientMessageId` to it (decision 040). Absent for a send's turn.
   */
  readonly replaces?: MessageId;
  /** A regenerate turn's `clientMessageId`: its assistant message opens with it, so a retry finds it. */
  readonly clientMessageId?: ClientMessageId;
  /** The conversation's current path up to and including this turn's user message. */
  readonly history: readonly MessageSnapshot[];
  /** Appends drafts to this conversation's stream. */
  readonly append: AppendDrafts;
  /**
   * Aborted to stop the turn. `signal.reason` is {@link CANCELLED} when a user cancelled
   * it and {@link SHUTTING_DOWN} when the daemon stops.
   */
  readonly signal: AbortSignal;
  /** True when messages are queued behind this turn: end at the next step boundary with `handoff`. */
  readonly shouldHandOff: () => boolean;
  /**
   * Waits for the user's decision on a tool call; `deny` on timeout or cancel. Register
   * the wait before writing the `approval_request`, so no decision can come too early.
   */
  readonly awaitApproval: (toolUseId: string) => Promise<ApprovalDecision>;
  /**
   * The bytes of an attachment the history references (`MessageSnapshot.attachments`),
   * by hash; undefined when they are not stored. Absent when the daemon keeps no
   * attachments.
   */
  readonly readAttachment?: (hash: string) => Promise<Uint8Array | undefined>;
}

/** Runs one turn to its end, writing every event through `context.append`. */
export type TurnRunner = (context: TurnContext) => Promise<void>;

/** Abort reason of a turn the user cancelled. */
export const CANCELLED = 'cancelled';
/** Abort reason of a turn stopped because the daemon shuts down. */
export const SHUTTING_DOWN = 'shutting_down';
