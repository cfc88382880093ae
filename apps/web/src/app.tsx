import type { Conversation } from '@once/protocol';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { ChatView } from './chat-view.tsx';
import { ConversationList } from './conversation-list.tsx';
import { createConversation, listConversations } from './conversations-api.ts';

/** The page: the conversation list beside the chat open in the URL's hash (so a reload keeps it). */
export function App(): ReactNode {
  const [conversations, setConversations] = useState<readonly Conversation[]>([]);
  const [selected, setSelected] = useState(() => location.hash.slice(1));
  const [error, setError] = useState<string>();

  const refresh = useCallback(() => {
    listConversations().then(setConversations, (cause: unknown) => setError(String(cause)));
  }, []);

  useEffect(refresh, [refresh]);
  useEffect(() => {
    const follow = () => setSelected(location.hash.slice(1));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  const startConversation = () => {
    createConversation().then(
      (conversation) => {
        location.hash = conversation.id;
        refresh();
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
          <ChatView key={selected} conversationId={selected} onSent={refresh} />
        )}
      </main>
    </div>
  );
}
