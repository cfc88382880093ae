import { useConnectionState } from '@once/react';
import type { ReactNode } from 'react';
import { describeConnection } from './describe-connection.ts';
import './shell.css';

/** Props of {@link ConnectionIndicator}. */
export interface ConnectionIndicatorProps {
  readonly conversationId: string;
}

/**
 * The conversation's connection as it is: Connecting, Live, Reconnecting (attempt n),
 * Offline, or Disconnected with the reason. Announced politely to screen readers.
 */
export function ConnectionIndicator({ conversationId }: ConnectionIndicatorProps): ReactNode {
  const state = useConnectionState(conversationId);
  const { label, detail } = describeConnection(state);
  return (
    <span
      className="shell-connection"
      data-testid="connection-status"
      data-status={state.status}
      role="status"
      aria-live="polite"
      title={detail}
    >
      <span className="shell-connection-dot" aria-hidden="true" />
      {label}
      {state.status === 'closed' && detail !== undefined ? (
        <span className="shell-connection-detail">: {detail}</span>
      ) : null}
    </span>
  );
}
