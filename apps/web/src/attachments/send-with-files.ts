import type { AttachmentClient, ConversationClient } from '@once/client';

/**
 * Uploads the chosen files, then sends the message with them (the text may be empty).
 * The files upload one after the other, so a refused file (too large, a type the daemon
 * does not take) stops the send before anything is written, and its error is the one shown.
 */
export async function sendWithFiles(
  conversation: ConversationClient,
  client: AttachmentClient | undefined,
  content: string,
  files: readonly File[],
): Promise<void> {
  const attachments = [];
  for (const file of files) {
    if (client === undefined) throw new Error('This page cannot send files.');
    attachments.push(
      await client.uploadAttachment(file, { mediaType: file.type || 'application/octet-stream', name: file.name }),
    );
  }
  await conversation.send(content, attachments.length === 0 ? {} : { attachments });
}
