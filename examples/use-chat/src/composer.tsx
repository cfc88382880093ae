import { type FormEvent, type KeyboardEvent, type ReactNode, useState } from 'react';

/** Props of {@link Composer}. */
export interface ComposerProps {
  /** Sends the text as a user message. */
  readonly send: (text: string) => void;
  /** Stops the answer being written; shown instead of Send while there is one. */
  readonly stop: () => void;
  /** An answer is on its way: Send waits, Stop shows. */
  readonly busy: boolean;
}

/** A text box that sends on Enter (Shift+Enter for a new line), with Send or Stop beside it. */
export function Composer({ send, stop, busy }: ComposerProps): ReactNode {
  const [draft, setDraft] = useState('');

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const text = draft.trim();
    if (text === '' || busy) return;
    setDraft('');
    send(text);
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
      {busy ? (
        <button type="button" onClick={stop}>
          Stop
        </button>
      ) : (
        <button type="submit">Send</button>
      )}
    </form>
  );
}
