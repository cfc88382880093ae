import { useChat } from '@ai-sdk/react';
import { type ReactNode, useState } from 'react';
import { cancelTurn } from './cancel-turn.ts';
import { Composer } from './composer.tsx';
import { createTransport } from './create-transport.ts';
import { MessageView } from './message-view.tsx';
import { loadHistory, type OpenedConversation } from './open-conversation.ts';
import type { Settings } from './read-settings.ts';
import { endedEarly, isConnectionLost } from './stream-trouble.ts';
import { useReconnect } from './use-reconnect.ts';

/** Props of {@link ChatView}. */
export interface ChatViewProps {
  readonly settings: Settings;
  readonly conversation: OpenedConversation;
}

/** One conversation through useChat: its messages, what is going on, and the composer. */
export function ChatView({ settings, conversation }: ChatViewProps): ReactNode {
  // useChat keeps the transport of its first render; one per page is all it needs.
  const [transport] = useState(() => createTransport(settings));
  const [cut, setCut] = useState<Error>();
  const [notice, setNotice] = useState<string>();
  const chat = useChat({
    id: conversation.id,
    messages: conversation.messages,
    transport,
    // Picks up an answer still being written when the page opens (after a reload, in a second tab).
    resume: true,
    onFinish: (end) => {
      if (endedEarly(end)) setCut(new Error('The connection closed before the answer was finished.'));
    },
  });

  /**
   * Starts over from the daemon's history, then resumes whatever is still being written.
   * The history holds everything up to now, a message cut off mid-stream included, and a
   * resume replays that message from its start in place, so nothing shows twice.
   */
  const catchUp = async () => {
    const messages = await loadHistory(settings, conversation.id);
    setCut(undefined);
    chat.setMessages(messages);
    await chat.resumeStream();
  };

  const trouble = cut ?? (chat.status === 'error' && isConnectionLost(chat.error) ? chat.error : undefined);
  const reconnecting = useReconnect(trouble, catchUp);

  const showNotice = (error: unknown) => setNotice(error instanceof Error ? error.message : String(error));

  /** Stops the request, has the daemon cancel the turn, then shows the answer as it ended. */
  const stop = async () => {
    setNotice(undefined);
    await chat.stop();
    try {
      await cancelTurn(settings, conversation.id);
      await catchUp();
    } catch (error) {
      showNotice(error);
    }
  };

  const status = trouble === undefined ? chat.status : 'reconnecting';
  return (
    <main className="chat" data-chat-status={status}>
      <header>
        <h1>useChat on Once</h1>
        <p className="status">
          {describeStatus(status, reconnecting.attempt)} ·{' '}
          {settings.transport === 'default' ? 'DefaultChatTransport' : 'OnceChatTransport'}
        </p>
      </header>
      <ol className="messages">
        {chat.messages.map((message) => (
          <MessageView key={message.id} message={message} />
        ))}
      </ol>
      {trouble === undefined && chat.error !== undefined ? (
        // The daemon refused or broke off with a reason (an ended stream it could not
        // extend asks for a reload): say it, and offer both ways on.
        <p className="error" role="alert">
          {chat.error.message}{' '}
          <button type="button" onClick={() => void catchUp().catch(showNotice)}>
            Reload the conversation
          </button>{' '}
          <button type="button" onClick={chat.clearError}>
            Dismiss
          </button>
        </p>
      ) : null}
      {trouble === undefined ? null : (
        <p className="error" role="alert">
          {trouble instanceof Error ? trouble.message : String(trouble)}. Reconnecting…{' '}
          <button type="button" onClick={reconnecting.now}>
            Retry now
          </button>
        </p>
      )}
      {notice === undefined ? null : (
        <p className="error" role="alert">
          {notice}
        </p>
      )}
      <Composer
        send={(text) => {
          setNotice(undefined);
          void chat.sendMessage({ text });
        }}
        stop={() => void stop()}
        busy={chat.status === 'submitted' || chat.status === 'streaming'}
      />
    </main>
  );
}

function describeStatus(status: string, attempt: number): string {
  switch (status) {
    case 'submitted':
      return 'Sent, waiting for the answer…';
    case 'streaming':
      return 'Answering…';
    case 'reconnecting':
      return attempt === 0 ? 'Connection lost' : `Reconnecting (attempt ${attempt})…`;
    case 'error':
      return 'Something went wrong';
    default:
      return 'Ready';
  }
}
