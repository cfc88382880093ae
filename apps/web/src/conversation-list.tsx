import type { Conversation } from '@once/protocol';
import type { ReactNode } from 'react';

/** Props of {@link ConversationList}. */
export interface ConversationListProps {
  readonly conversations: readonly Conversation[];
  /** The id of the conversation shown, or `''`. */
  readonly selected: string;
}

/** The conversations as links to `#<id>`. */
export function ConversationList({ conversations, selected }: ConversationListProps): ReactNode {
  return (
    <nav className="conversations">
      {conversations.map((conversation) => (
        <a
          key={conversation.id}
          href={`#${conversation.id}`}
          className={conversation.id === selected ? 'conversation selected' : 'conversation'}
        >
          {conversation.title === '' ? 'Untitled' : conversation.title}
        </a>
      ))}
    </nav>
  );
}
