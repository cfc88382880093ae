import { OnceError } from '@once/protocol';
import type { StreamKey } from './event-log.ts';
import type { PreparedDraft } from './prepare-draft.ts';

// A stream holds one user message per clientMessageId (docs/decisions/038): what the
// logs share of that rule.

/** The user message an append opens with a clientMessageId: the id it was sent with and its own. */
export interface SentMessage {
  readonly clientMessageId: string;
  readonly messageId: string;
}

/** The user messages an append's drafts open with a clientMessageId; empty for nearly every append. */
export function sentMessagesOf(drafts: readonly PreparedDraft[]): SentMessage[] {
  const sent: SentMessage[] = [];
  for (const draft of drafts) {
    if (draft.sentAs !== undefined && draft.identity !== undefined) {
      sent.push({ clientMessageId: draft.sentAs, messageId: draft.identity.messageId });
    }
  }
  return sent;
}

/**
 * The refusal of an append that opens a user message with a clientMessageId the stream
 * holds for another message: nothing of the append is stored.
 */
export function sentTwiceError(stream: StreamKey, sent: SentMessage, storedAs: string): OnceError {
  const where = stream.stream === 'conversation' ? `Conversation ${stream.conversationId}` : 'This stream';
  return new OnceError(
    'conflict',
    `${where} already holds message ${storedAs}, sent with clientMessageId ${sent.clientMessageId}, so nothing of this append (message ${sent.messageId}) was stored: a message is sent once per clientMessageId.`,
  );
}
