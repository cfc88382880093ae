import { useConversations } from '@once/react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { ChatView } from './chat-view.tsx';
import { ConversationList } from './conversation-list.tsx';
import { NewChat } from './new-chat.tsx';
import './shell/shell.css';

/**
 * The page: the live conversation list beside the chat open in the URL's hash (so a reload
 * keeps it); with no chat open, the first screen, where typing starts one. At phone width
 * the list is a drawer behind a "Conversations" button.
 */
export function App(): ReactNode {
  const { conversations, list } = useConversations();
  const [selected, setSelected] = useState(() => location.hash.slice(1));
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [error, setError] = useState<string>();
  const newButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const follow = () => setSelected(location.hash.slice(1));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  useEffect(() => {
    if (!drawerOpen) return;
    // The drawer takes the keyboard when it opens (on a wide screen the list is always there).
    newButton.current?.focus();
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setDrawerOpen(false);
    };
    document.addEventListener('keydown', closeOnEscape);
    return () => document.removeEventListener('keydown', closeOnEscape);
  }, [drawerOpen]);

  const open = (conversationId: string) => {
    setError(undefined);
    setDrawerOpen(false);
    location.hash = conversationId;
  };
  const report = (cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause));
  const remove = async (conversationId: string) => {
    await list.remove(conversationId);
    if (conversationId === location.hash.slice(1)) open('');
  };

  return (
    <div className="shell" data-drawer-open={drawerOpen}>
      <div className="shell-topbar">
        <button
          type="button"
          aria-expanded={drawerOpen}
          aria-controls="shell-sidebar"
          onClick={() => setDrawerOpen(!drawerOpen)}
        >
          Conversations
        </button>
      </div>
      <div className="shell-sidebar" id="shell-sidebar">
        <button ref={newButton} type="button" className="shell-new" onClick={() => open('')}>
          New conversation
        </button>
        <ConversationList
          conversations={conversations}
          selected={selected}
          rename={(conversationId, title) => list.rename(conversationId, title)}
          remove={remove}
          onOpen={() => setDrawerOpen(false)}
        />
        {error === undefined ? null : (
          <p className="shell-error" role="alert">
            {error}
          </p>
        )}
      </div>
      {drawerOpen ? (
        <button
          type="button"
          className="shell-backdrop"
          aria-label="Close conversations"
          onClick={() => setDrawerOpen(false)}
        />
      ) : null}
      <main className="shell-main">
        {selected === '' ? (
          <NewChat onStarted={open} onSendError={report} />
        ) : (
          <ChatView key={selected} conversationId={selected} />
        )}
      </main>
    </div>
  );
}
