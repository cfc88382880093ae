import type { ConversationListClient } from '@once/client';
import type { Attachment } from '@once/protocol';
import type { ConversationRegistry } from '@once/react';

/** Longest title taken from a first message, in characters. */
const TITLE_LENGTH = 60;

/** The title a conversation gets from its first message: its first line, shortened. */
export function titleFrom(content: string): string {
  const line = content.trim().split('\n')[0] ?? '';
  return line.length <= TITLE_LENGTH ? line : `${line.slice(0, TITLE_LENGTH - 1)}…`;
}

/**
 * Creates a conversation and sends its first message (with its files, already uploaded). The message is in the conversation's
 * store (pending) before this resolves, so the chat shown next has it from its first frame;
 * the send itself goes on (and retries) after, its failure reported through `onSendError`.
 * @returns the new conversation's id.
 */
export async function startConversation(
  list: ConversationListClient,
  registry: ConversationRegistry,
  content: string,
  onSendError: (cause: unknown) => void,
  attachments: readonly Attachment[] = [],
): Promise<string> {
  const conversation = await list.create(titleFrom(content || (attachments[0]?.name ?? '')));
  // The chat view retains this entry when it mounts, a moment later, and closes it when it goes.
  registry
    .get(conversation.id)
    .send(content, attachments.length === 0 ? {} : { attachments })
    .catch(onSendError);
  return conversation.id;
}
