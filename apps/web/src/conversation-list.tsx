import type { Conversation } from '@once/protocol';
import type { ReactNode } from 'react';
import { ConversationItem } from './shell/conversation-item.tsx';

/** Props of {@link ConversationList}. */
export interface ConversationListProps {
  /** Most recently updated first, as the live list keeps them. */
  readonly conversations: readonly Conversation[];
  /** The id of the conversation shown, or `''`. */
  readonly selected: string;
  /** Sets a conversation's title; rejects with the daemon's reason. */
  readonly rename: (conversationId: string, title: string) => Promise<unknown>;
  /** Deletes a conversation; rejects with the daemon's reason. */
  readonly remove: (conversationId: string) => Promise<void>;
  /** Called when a conversation is opened from the list (the drawer closes on it). */
  readonly onOpen?: () => void;
}

/** The conversations as links to `#<id>`, each with Rename and Delete. */
export function ConversationList({
  conversations,
  selected,
  rename,
  remove,
  onOpen,
}: ConversationListProps): ReactNode {
  return (
    <nav className="shell-conversations" aria-label="Conversations">
      {conversations.length === 0 ? (
        <p className="shell-empty">No conversations yet.</p>
      ) : (
        <ul>
          {conversations.map((conversation) => (
            <ConversationItem
              key={conversation.id}
              conversation={conversation}
              selected={conversation.id === selected}
              rename={(title) => rename(conversation.id, title)}
              remove={() => remove(conversation.id)}
              {...(onOpen === undefined ? {} : { onOpen })}
            />
          ))}
        </ul>
      )}
    </nav>
  );
}
