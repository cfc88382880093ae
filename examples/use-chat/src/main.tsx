import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ChatView } from './chat-view.tsx';
import { openConversation } from './open-conversation.ts';
import { readSettings } from './read-settings.ts';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element.');
const root = createRoot(container);
const settings = readSettings(window.location.search, import.meta.env);

root.render(<p className="notice">Opening the conversation…</p>);
openConversation(settings).then(
  (conversation) =>
    root.render(
      <StrictMode>
        <ChatView settings={settings} conversation={conversation} />
      </StrictMode>,
    ),
  (error: unknown) =>
    root.render(
      <p className="error" role="alert" data-chat-status="failed">
        Could not open the conversation at {settings.baseUrl}: {error instanceof Error ? error.message : String(error)}.
        Is `once serve --cors-origins {window.location.origin}` running?
      </p>,
    ),
);
