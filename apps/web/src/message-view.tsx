import type { ListedMessage } from '@once/core';
import { memo, type ReactNode } from 'react';
import { BlockView } from './block-view.tsx';

/** Props of {@link MessageView}. */
export interface MessageViewProps {
  readonly message: ListedMessage;
}

/**
 * One message and its blocks. Memoized on the message object: the core keeps the identity
 * of every message an event did not touch, so only the streaming message renders again.
 */
export const MessageView = memo(function MessageView({ message }: MessageViewProps): ReactNode {
  return (
    <li className={`message ${message.role}`} data-status={message.status}>
      <div className="role">
        {message.role}
        {message.status === 'complete' ? null : <span className="message-status"> · {message.status}</span>}
      </div>
      {message.blocks.map((block) => (
        <BlockView key={block.index} block={block} />
      ))}
    </li>
  );
});
