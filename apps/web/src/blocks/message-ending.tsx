import type { ListedMessage } from '@once/core';
import type { ReactNode } from 'react';

/** What a person reads under a message that did not end normally, or undefined. */
export function endingText(message: ListedMessage): string | undefined {
  switch (message.status) {
    case 'cancelled':
      return 'Stopped';
    case 'interrupted':
      return 'Interrupted — the daemon stopped before this answer finished';
    case 'error':
      return 'error' in message && message.error !== undefined
        ? `Failed: ${message.error.message}`
        : 'Failed: the answer ended with an error';
    default:
      return undefined;
  }
}

/** Props of {@link MessageEnding}. */
export interface MessageEndingProps {
  readonly message: ListedMessage;
}

/** One line under a message that was stopped, failed or was cut short by a daemon restart. */
export function MessageEnding({ message }: MessageEndingProps): ReactNode {
  const text = endingText(message);
  if (text === undefined) return null;
  return (
    <p className={`message-ending ending-${message.status}`} data-testid="message-ending">
      {text}
    </p>
  );
}
