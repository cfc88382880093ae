import type {
  Attachment,
  ClientMessageId,
  ConversationEventDraft,
  ConversationId,
  MessageId,
  MessageSnapshot,
  TurnId,
} from '@once/protocol';
import { createMessageWriter, type MessageWriterOptions } from './create-message-writer.ts';

/** A user message as it is sent. */
export interface UserMessageInput {
  readonly conversationId: ConversationId;
  readonly turnId: TurnId;
  readonly text: string;
  readonly clientMessageId?: ClientMessageId;
  /** The user message this one edits (docs/decisions/022-branches.md). Default none. */
  readonly replaces?: MessageId;
  /** With `replaces`: that message's parent, null at the start (see `NewMessage.parentId`). */
  readonly parentId?: MessageId | null;
  /** Files sent with the message (already stored). Default none. */
  readonly attachments?: readonly Attachment[];
}

/**
 * Writes a whole user message — open, its text block, complete — in one append, so it
 * commits atomically: no reader ever sees half of it.
 */
export async function writeUserMessage(
  input: UserMessageInput,
  options: Omit<MessageWriterOptions, 'coalesceMs'>,
): Promise<MessageSnapshot> {
  const batch: ConversationEventDraft[] = [];
  const writer = createMessageWriter(
    {
      conversationId: input.conversationId,
      role: 'user',
      turnId: input.turnId,
      ...clientId(input.clientMessageId),
      ...(input.replaces === undefined ? {} : { replaces: input.replaces }),
      ...(input.parentId === undefined ? {} : { parentId: input.parentId }),
      ...(input.attachments === undefined ? {} : { attachments: input.attachments }),
    },
    {
      ...options,
      append: async (drafts) => {
        batch.push(...drafts);
      },
    },
  );
  const block = writer.openBlock({ blockType: 'text' });
  if (input.text !== '') writer.appendDelta(block, { text: input.text });
  writer.closeBlock(block);
  const message = await writer.complete('complete');
  await options.append(batch);
  return message;
}

function clientId(clientMessageId: ClientMessageId | undefined) {
  return clientMessageId === undefined ? {} : { clientMessageId };
}
