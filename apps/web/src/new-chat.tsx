import { useConversationRegistry, useConversations } from '@once/react';
import type { ReactNode } from 'react';
import { useAttachmentClient } from './attachments/attachment-client.tsx';
import { uploadFiles } from './attachments/send-with-files.ts';
import { Composer } from './composer.tsx';
import { startConversation } from './start-conversation.ts';

/** Props of {@link NewChat}. */
export interface NewChatProps {
  /** Called with the new conversation's id once it exists and its first message is on its way. */
  readonly onStarted: (conversationId: string) => void;
  /** Called when the first message could not be sent, after the conversation was created. */
  readonly onSendError: (cause: unknown) => void;
}

/** The first screen: a place to type; the first message starts a conversation. */
export function NewChat({ onStarted, onSendError }: NewChatProps): ReactNode {
  const { list } = useConversations();
  const registry = useConversationRegistry();
  const attachments = useAttachmentClient();
  const send = async (content: string, files: readonly File[]) => {
    // Uploaded first: a refused file leaves no empty conversation behind.
    const uploaded = await uploadFiles(attachments, files);
    onStarted(await startConversation(list, registry, content, onSendError, uploaded));
  };
  return (
    <section className="chat new-chat" aria-label="New conversation">
      <div className="welcome">
        <h1>What can I help with?</h1>
        <p>Every answer is kept as it streams: reload the page or restart the daemon, and it picks up where it was.</p>
      </div>
      <Composer
        send={send}
        attachFiles={attachments !== undefined}
        placeholder="Ask anything — Enter sends, Shift+Enter adds a line"
      />
    </section>
  );
}
