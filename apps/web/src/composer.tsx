import { type FormEvent, type KeyboardEvent, type ReactNode, useState } from 'react';

/** Props of {@link Composer}. */
export interface ComposerProps {
  /** Sends the text; the message shows at once (optimistically), so the box clears right away. */
  readonly send: (content: string) => Promise<void>;
}

/** A text box that sends on Enter (Shift+Enter for a new line) or with its button. */
export function Composer({ send }: ComposerProps): ReactNode {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string>();

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const content = draft.trim();
    if (content === '') return;
    setDraft('');
    setError(undefined);
    send(content).catch((cause: unknown) => {
      setDraft(content);
      setError(cause instanceof Error ? cause.message : String(cause));
    });
  };

  const sendOnEnter = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey) submit(event);
  };

  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        aria-label="Message"
        value={draft}
        placeholder="Write a message"
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={sendOnEnter}
        rows={2}
      />
      <button type="submit">Send</button>
      {error === undefined ? null : <p className="error">{error}</p>}
    </form>
  );
}
