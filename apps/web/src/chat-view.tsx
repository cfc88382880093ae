import { messageKey } from '@once/core';
import { useConnectionState, useConversation, useMessages } from '@once/react';
import type { ReactNode } from 'react';
import { Composer } from './composer.tsx';
import { MessageView } from './message-view.tsx';

/** Props of {@link ChatView}. */
export interface ChatViewProps {
  readonly conversationId: string;
}

/** One conversation: connection status, its messages, the composer and a Stop button. */
export function ChatView({ conversationId }: ChatViewProps): ReactNode {
  const { conversation, state } = useConversation(conversationId);
  const messages = useMessages(conversationId);
  const connection = useConnectionState(conversationId);
  const running = state.activeTurn !== undefined;

  return (
    <section className="chat">
      <header className="chat-header">
        <span className={`status status-${connection.status}`} data-testid="connection-status">
          {connection.status}
        </span>
        <button type="button" onClick={() => void conversation.cancel()} disabled={!running}>
          Stop
        </button>
      </header>
      <ol className="messages">
        {messages.map((message) => (
          <MessageView key={messageKey(message)} message={message} />
        ))}
      </ol>
      <Composer send={(content) => conversation.send(content).then(() => undefined)} />
    </section>
  );
}
