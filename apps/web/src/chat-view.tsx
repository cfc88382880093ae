import { messageKey } from '@once/core';
import { useConversation, usePathMessages } from '@once/react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useAttachmentClient } from './attachments/attachment-client.tsx';
import { sendWithFiles } from './attachments/send-with-files.ts';
import { Composer } from './composer.tsx';
import { ExportMenu } from './export-menu.tsx';
import { EventInspector } from './inspector/event-inspector.tsx';
import { MessageView } from './message-view.tsx';
import { OlderMessagesRow } from './older-messages-row.tsx';
import { queuedMessageKeys } from './queued-message-keys.ts';
import { ConnectionIndicator } from './shell/connection-indicator.tsx';
import { useOlderOnScroll } from './use-older-on-scroll.ts';

/** Props of {@link ChatView}. */
export interface ChatViewProps {
  readonly conversationId: string;
}

/**
 * One conversation: the connection indicator, the Export menu and the Events toggle, its messages (the
 * latest page first, older pages as the user scrolls up), the
 * composer (with Stop while a turn runs), and the event inspector beside them when open
 * (Escape closes it).
 */
export function ChatView({ conversationId }: ChatViewProps): ReactNode {
  const { conversation, state } = useConversation(conversationId);
  // The current path only: other branches show through each message's switcher.
  const messages = usePathMessages(conversationId);
  const attachments = useAttachmentClient();
  const queued = queuedMessageKeys(state);
  const [inspecting, setInspecting] = useState(false);
  const eventsButton = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const first = messages[0];
  useOlderOnScroll(conversationId, list, first === undefined ? undefined : messageKey(first));

  useEffect(() => {
    if (!inspecting) return;
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      setInspecting(false);
      eventsButton.current?.focus();
    };
    document.addEventListener('keydown', closeOnEscape);
    return () => document.removeEventListener('keydown', closeOnEscape);
  }, [inspecting]);

  return (
    <section className="chat shell-chat" aria-label="Conversation">
      <header className="chat-header shell-chat-header">
        <ConnectionIndicator conversationId={conversationId} />
        <div className="shell-chat-actions">
          <ExportMenu conversationId={conversationId} />
          <button
            ref={eventsButton}
            type="button"
            className="shell-toggle"
            aria-pressed={inspecting}
            aria-controls={inspecting ? 'event-inspector' : undefined}
            onClick={() => setInspecting(!inspecting)}
          >
            Events
          </button>
        </div>
      </header>
      <div className="shell-chat-body">
        <div className="shell-chat-column">
          <ol ref={list} className="messages" aria-label="Messages">
            <OlderMessagesRow conversationId={conversationId} />
            {messages.map((message) => (
              <MessageView
                key={messageKey(message)}
                message={message}
                queued={queued.has(messageKey(message))}
                appEvents={state.appEvents}
                branchControls
              />
            ))}
          </ol>
          <Composer
            send={(content, files) => sendWithFiles(conversation, attachments, content, files)}
            attachFiles={attachments !== undefined}
            stop={() => conversation.cancel()}
            running={state.activeTurn !== undefined}
          />
        </div>
        {inspecting ? <EventInspector id="event-inspector" conversationId={conversationId} /> : null}
      </div>
    </section>
  );
}
