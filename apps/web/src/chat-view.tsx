import { messageKey } from '@once/core';
import { useConnectionState, useConversation, useMessages } from '@once/react';
import type { ReactNode } from 'react';
import { Composer } from './composer.tsx';
import { MessageView } from './message-view.tsx';
import { queuedMessageKeys } from './queued-message-keys.ts';

/** Props of {@link ChatView}. */
export interface ChatViewProps {
  readonly conversationId: string;
}

/** One conversation: connection status, its messages, and the composer (with Stop while a turn runs). */
export function ChatView({ conversationId }: ChatViewProps): ReactNode {
  const { conversation, state } = useConversation(conversationId);
  const messages = useMessages(conversationId);
  const connection = useConnectionState(conversationId);
  const queued = queuedMessageKeys(state);

  return (
    <section className="chat" aria-label="Conversation">
      <header className="chat-header">
        <span
          className={`status status-${connection.status}`}
          data-testid="connection-status"
          data-status={connection.status}
        >
          {connection.status}
        </span>
      </header>
      <ol className="messages" aria-label="Messages">
        {messages.map((message) => (
          <MessageView
            key={messageKey(message)}
            message={message}
            queued={queued.has(messageKey(message))}
            appEvents={state.appEvents}
          />
        ))}
      </ol>
      <Composer
        send={(content) => conversation.send(content).then(() => undefined)}
        stop={() => conversation.cancel()}
        running={state.activeTurn !== undefined}
      />
    </section>
  );
}
