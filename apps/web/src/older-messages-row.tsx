import { useOlderMessages } from '@once/react';
import type { ReactNode } from 'react';

/** Props of {@link OlderMessagesRow}. */
export interface OlderMessagesRowProps {
  readonly conversationId: string;
}

/**
 * The first row of the message list while older messages are left on the server: a
 * button that loads the next page (scrolling to the top does the same, see
 * `useOlderOnScroll`), and why the last load failed. Nothing once every message is shown.
 */
export function OlderMessagesRow({ conversationId }: OlderMessagesRowProps): ReactNode {
  const { hasOlder, count, loading, error, loadOlder } = useOlderMessages(conversationId);
  if (!hasOlder) return null;
  return (
    <li className="older-messages" data-testid="older-messages">
      <button type="button" disabled={loading} onClick={() => void loadOlder()}>
        {loading ? 'Loading older messages…' : `Show ${count} older message${count === 1 ? '' : 's'}`}
      </button>
      {error === undefined ? null : (
        <p className="error" role="alert">
          Older messages could not be loaded; try again.
        </p>
      )}
    </li>
  );
}
