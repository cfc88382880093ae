import type { Attachment, ClientMessageId } from '@once/protocol';
import type { ConversationState, PendingUserMessage } from './conversation-state.ts';

/** What a client knows of a message it is sending. */
export interface PendingMessageInput {
  readonly clientMessageId: ClientMessageId;
  readonly text: string;
  /** ISO timestamp of the send. */
  readonly createdAt: string;
  /** Files sent with it, already uploaded. Default none. */
  readonly attachments?: readonly Attachment[];
}

/**
 * Shows a user message before the server confirms it. Adding the same clientMessageId
 * again (a retried send) changes nothing, and so does adding one the server already has.
 */
export function addPendingMessage(state: ConversationState, input: PendingMessageInput): ConversationState {
  const { clientMessageId } = input;
  if (state.pending.some((entry) => entry.clientMessageId === clientMessageId)) return state;
  if (state.messages.some((message) => message.clientMessageId === clientMessageId)) return state;
  const message: PendingUserMessage = {
    clientMessageId,
    role: 'user',
    status: 'pending',
    createdAt: input.createdAt,
    blocks: [{ index: 0, type: 'text', status: 'closed', text: input.text }],
    ...(input.attachments === undefined || input.attachments.length === 0 ? {} : { attachments: input.attachments }),
  };
  return { ...state, pending: [...state.pending, message] };
}

/** Withdraws an optimistic message, e.g. when its send failed for good. */
export function removePendingMessage(state: ConversationState, clientMessageId: ClientMessageId): ConversationState {
  if (!state.pending.some((entry) => entry.clientMessageId === clientMessageId)) return state;
  return { ...state, pending: state.pending.filter((entry) => entry.clientMessageId !== clientMessageId) };
}
