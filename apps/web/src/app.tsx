import { useConversations } from '@once/react';
import { type ReactNode, useEffect, useState } from 'react';
import { ChatView } from './chat-view.tsx';
import { ConversationList } from './conversation-list.tsx';
import { NewChat } from './new-chat.tsx';

/**
 * The page: the live conversation list beside the chat open in the URL's hash (so a reload
 * keeps it); with no chat open, the first screen, where typing starts one.
 */
export function App(): ReactNode {
  const { conversations } = useConversations();
  const [selected, setSelected] = useState(() => location.hash.slice(1));
  const [error, setError] = useState<string>();

  useEffect(() => {
    const follow = () => setSelected(location.hash.slice(1));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  const open = (conversationId: string) => {
    setError(undefined);
    location.hash = conversationId;
  };
  const report = (cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause));

  return (
    <div className="app">
      <aside className="sidebar" aria-label="Conversations">
        <button type="button" className="new" onClick={() => open('')}>
          New conversation
        </button>
        <ConversationList conversations={conversations} selected={selected} />
        {error === undefined ? null : (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </aside>
      <main className="main">
        {selected === '' ? (
          <NewChat onStarted={open} onSendError={report} />
        ) : (
          <ChatView key={selected} conversationId={selected} />
        )}
      </main>
    </div>
  );
}
