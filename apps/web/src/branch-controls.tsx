import type { MessageSnapshot } from '@once/protocol';
import { useAlternatives, useConversationClient } from '@once/react';
import { type FormEvent, type ReactNode, useState, useSyncExternalStore } from 'react';
import './branch-controls.css';

/** Props of {@link BranchControls}. */
export interface BranchControlsProps {
  /** A message the server stored (a pending one has no branches yet). */
  readonly message: MessageSnapshot;
}

/**
 * Under a message (decision 022): "‹ 2 / 3 ›" where it has alternatives, Regenerate on an
 * ended assistant message, Edit on a user message (an inline box: Save & send, Cancel).
 * Each is disabled while a turn runs, as the daemon refuses them then. Renders again only
 * when the message's alternatives or the running turn change, not on every token.
 */
export function BranchControls({ message }: BranchControlsProps): ReactNode {
  const conversation = useConversationClient(message.conversationId);
  const { ids, index } = useAlternatives(message.conversationId, message.id);
  const running = useSyncExternalStore(
    conversation.store.subscribe,
    () => conversation.store.getSnapshot().activeTurn !== undefined,
  );
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string>();
  const report = (cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause));
  const act = (action: () => Promise<unknown>) => {
    setError(undefined);
    action().catch(report);
  };
  const show = (offset: number) => {
    const target = ids[index + offset];
    if (target !== undefined) act(() => conversation.selectBranch(target));
  };
  const startEditing = () => {
    setDraft(message.blocks.map((block) => (block.type === 'text' ? block.text : '')).join(''));
    setEditing(true);
  };
  const saveAndSend = (event: FormEvent) => {
    event.preventDefault();
    const content = draft.trim();
    if (content === '') return;
    setEditing(false);
    act(() => conversation.send(content, { replaces: message.id }));
  };

  const ended = message.status !== 'streaming';
  return (
    <div className="branch-controls">
      {ids.length > 1 ? (
        <nav className="branch-switcher" aria-label="Alternatives">
          <button
            type="button"
            aria-label="Previous alternative"
            disabled={running || index === 0}
            onClick={() => show(-1)}
          >
            ‹
          </button>
          <span className="branch-position">
            {index + 1} / {ids.length}
          </span>
          <button
            type="button"
            aria-label="Next alternative"
            disabled={running || index === ids.length - 1}
            onClick={() => show(1)}
          >
            ›
          </button>
        </nav>
      ) : null}
      {message.role === 'assistant' && ended ? (
        <button type="button" disabled={running} onClick={() => act(() => conversation.regenerate(message.id))}>
          Regenerate
        </button>
      ) : null}
      {message.role === 'user' && !editing ? (
        <button type="button" disabled={running} onClick={startEditing}>
          Edit
        </button>
      ) : null}
      {editing ? (
        <form className="branch-edit" onSubmit={saveAndSend} aria-label="Edit the message">
          <textarea
            aria-label="Edited message"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            rows={3}
          />
          <div className="branch-edit-actions">
            <button type="submit" disabled={running || draft.trim() === ''}>
              Save &amp; send
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      {error === undefined ? null : (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
