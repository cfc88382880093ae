import type { Conversation } from '@once/protocol';
import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';

/** Props of {@link ConversationItem}. */
export interface ConversationItemProps {
  readonly conversation: Conversation;
  /** This conversation is the one shown. */
  readonly selected: boolean;
  readonly rename: (title: string) => Promise<unknown>;
  readonly remove: () => Promise<void>;
  readonly onOpen?: () => void;
}

type Mode = 'view' | 'renaming' | 'confirming-delete';

/**
 * One conversation in the sidebar: a link to it, Rename (edited in place: Enter saves,
 * Escape cancels) and Delete (asks first). The new title shows once the account stream
 * brings it back, in every tab alike.
 */
export function ConversationItem({ conversation, selected, rename, remove, onOpen }: ConversationItemProps): ReactNode {
  const [mode, setMode] = useState<Mode>('view');
  const [draft, setDraft] = useState(conversation.title);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const title = conversation.title === '' ? 'Untitled' : conversation.title;

  useEffect(() => {
    if (mode === 'renaming') input.current?.select();
  }, [mode]);

  const leave = () => {
    setMode('view');
    setError(undefined);
    queueMicrotask(() => renameButton.current?.focus());
  };

  const run = (operation: () => Promise<unknown>, after: () => void) => {
    setBusy(true);
    setError(undefined);
    operation()
      .then(after)
      .catch((cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause)))
      .finally(() => setBusy(false));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && !event.nativeEvent.isComposing) {
      event.preventDefault();
      run(() => rename(draft.trim()), leave);
    } else if (event.key === 'Escape') {
      // Handled here: Escape must not also close a panel behind the sidebar.
      event.stopPropagation();
      leave();
    }
  };

  return (
    <li className="shell-conversation" data-conversation-id={conversation.id} data-selected={selected}>
      {mode === 'renaming' ? (
        <input
          ref={input}
          className="shell-rename"
          aria-label="Title"
          value={draft}
          maxLength={200}
          disabled={busy}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => (busy ? undefined : leave())}
        />
      ) : (
        <a href={`#${conversation.id}`} aria-current={selected ? 'page' : undefined} onClick={onOpen}>
          {title}
        </a>
      )}
      {mode === 'confirming-delete' ? (
        <fieldset className="shell-confirm">
          <legend>Delete “{title}”?</legend>
          <button type="button" className="shell-danger" disabled={busy} onClick={() => run(remove, () => {})}>
            Confirm delete
          </button>
          <button type="button" disabled={busy} onClick={leave}>
            Cancel
          </button>
        </fieldset>
      ) : (
        <div className="shell-actions">
          <button
            ref={renameButton}
            type="button"
            aria-label="Rename"
            title={`Rename “${title}”`}
            onClick={() => {
              setDraft(conversation.title);
              setMode('renaming');
            }}
          >
            <span aria-hidden="true">✎</span>
          </button>
          <button
            type="button"
            aria-label="Delete"
            title={`Delete “${title}”`}
            onClick={() => setMode('confirming-delete')}
          >
            <span aria-hidden="true">✕</span>
          </button>
        </div>
      )}
      {error === undefined ? null : (
        <p className="shell-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
