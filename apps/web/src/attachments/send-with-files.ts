import type { AttachmentClient, ConversationClient } from '@once/client';
import type { Attachment } from '@once/protocol';

/**
 * Uploads the chosen files one after the other, so a refused file (too large, a type the
 * daemon does not take) stops before anything is sent, and its error is the one shown.
 */
export async function uploadFiles(client: AttachmentClient | undefined, files: readonly File[]): Promise<Attachment[]> {
  const attachments: Attachment[] = [];
  for (const file of files) {
    if (client === undefined) throw new Error('This page cannot send files.');
    attachments.push(
      await client.uploadAttachment(file, { mediaType: file.type || 'application/octet-stream', name: file.name }),
    );
  }
  return attachments;
}

/** Uploads the chosen files, then sends the message with them (the text may be empty). */
export async function sendWithFiles(
  conversation: ConversationClient,
  client: AttachmentClient | undefined,
  content: string,
  files: readonly File[],
): Promise<void> {
  const attachments = await uploadFiles(client, files);
  await conversation.send(content, attachments.length === 0 ? {} : { attachments });
}
