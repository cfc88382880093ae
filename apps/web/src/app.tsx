import { useConversations } from '@once/react';
import { type ReactNode, useEffect, useState } from 'react';
import { ChatView } from './chat-view.tsx';
import { ConversationList } from './conversation-list.tsx';

/** The page: the live conversation list beside the chat open in the URL's hash (so a reload keeps it). */
export function App(): ReactNode {
  const { conversations, list } = useConversations();
  const [selected, setSelected] = useState(() => location.hash.slice(1));
  const [error, setError] = useState<string>();

  useEffect(() => {
    const follow = () => setSelected(location.hash.slice(1));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  const startConversation = () => {
    list.create().then(
      (conversation) => {
        location.hash = conversation.id;
      },
      (cause: unknown) => setError(String(cause)),
    );
  };

  return (
    <div className="app">
      <aside className="sidebar">
        <button type="button" className="new" onClick={startConversation}>
          New conversation
        </button>
        <ConversationList conversations={conversations} selected={selected} />
        {error === undefined ? null : <p className="error">{error}</p>}
      </aside>
      <main className="main">
        {selected === '' ? (
          <p className="empty">Pick a conversation or start a new one.</p>
        ) : (
          <ChatView key={selected} conversationId={selected} />
        )}
      </main>
    </div>
  );
}
