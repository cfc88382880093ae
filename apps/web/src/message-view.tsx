import type { ListedMessage } from '@once/core';
import type { AppEventRecord } from '@once/protocol';
import { Fragment, memo, type ReactNode } from 'react';
import { AttachmentList } from './attachments/attachment-list.tsx';
import { BlockView } from './block-view.tsx';
import { AppEventCard } from './blocks/app-event-card.tsx';
import { MessageEnding } from './blocks/message-ending.tsx';
import { appEventsOfMessage } from './blocks/shown-app-events.ts';
import { toolResultsByCall } from './blocks/tool-results-by-call.ts';
import { BranchControls } from './branch-controls.tsx';

/** Props of {@link MessageView}. */
export interface MessageViewProps {
  readonly message: ListedMessage;
  /** A user message waiting for the running turn to end before it is answered. Default false. */
  readonly queued?: boolean;
  /**
   * The conversation's app events; the message shows its own among its blocks and, after
   * itself, those that named no message and came after it opened. Default none.
   */
  readonly appEvents?: readonly AppEventRecord[];
  /** Show Regenerate, Edit and the alternatives switcher under a stored message (decision 022). Default false. */
  readonly branchControls?: boolean;
}

/** What the small line above a message says about where it stands, or nothing when it is done. */
function statusLabel(message: ListedMessage, queued: boolean): string | undefined {
  if (queued) return 'queued';
  if (message.status === 'pending') return 'sending';
  return undefined;
}

/**
 * One message and its blocks, then a line saying how it ended when it was stopped, failed
 * or interrupted. Memoized on the message object: the core keeps the identity of every
 * message an event did not touch, so only the streaming message renders again.
 * `data-message-id` is the server's id, absent while a sent message is not yet confirmed.
 * App events show as fallback cards: the message's own at their place among its blocks,
 * the ones that named no message in list items after it.
 */
export const MessageView = memo(function MessageView({
  message,
  queued = false,
  appEvents = [],
  branchControls = false,
}: MessageViewProps): ReactNode {
  const label = statusLabel(message, queued);
  const conversationId = 'conversationId' in message ? message.conversationId : undefined;
  const toolResults = toolResultsByCall(message.blocks);
  const messageEnded = message.status !== 'streaming' && message.status !== 'pending';
  const writing = message.status === 'streaming' && message.blocks.length === 0;
  const events = appEventsOfMessage(appEvents, 'id' in message ? message.id : undefined, message.blocks.length);
  return (
    <>
      <li
        className={`message ${message.role}`}
        data-status={message.status}
        data-queued={queued ? 'true' : undefined}
        data-message-id={'id' in message ? message.id : undefined}
      >
        <div className="role">
          {message.role === 'user' ? 'You' : 'Assistant'}
          {label === undefined ? null : <span className="message-status"> · {label}</span>}
        </div>
        <div className="message-body">
          <AttachmentList attachments={message.attachments} />
          {message.blocks.map((block) => (
            <Fragment key={block.index}>
              {events.beforeBlock.get(block.index)?.map((event) => (
                <AppEventCard key={event.key} event={event} />
              ))}
              <BlockView
                block={block}
                conversationId={conversationId}
                toolResults={toolResults}
                messageEnded={messageEnded}
              />
            </Fragment>
          ))}
          {events.afterBlocks.map((event) => (
            <AppEventCard key={event.key} event={event} />
          ))}
          {writing ? <span className="writing" role="status" aria-label="The assistant is writing" /> : null}
          <MessageEnding message={message} />
        </div>
        {branchControls && 'id' in message ? <BranchControls message={message} /> : null}
      </li>
      {events.afterMessage.map((event) => (
        <li key={event.key} className="app-event-item">
          <AppEventCard event={event} />
        </li>
      ))}
    </>
  );
});
