import { type FormEvent, type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';

/** Props of {@link Composer}. */
export interface ComposerProps {
  /** Sends the text; the message shows at once (optimistically), so the box clears right away. */
  readonly send: (content: string) => Promise<void>;
  /** Stops the running turn; the Stop button shows only while `running`. Absent: no Stop button. */
  readonly stop?: () => Promise<void>;
  /** A turn runs now: messages sent meanwhile wait their turn (queued). Default false. */
  readonly running?: boolean;
  /** The hint in the empty box. Default "Write a message". */
  readonly placeholder?: string;
  /** Put the keyboard in the box when it appears. Default true. */
  readonly focusOnMount?: boolean;
}

/**
 * A text box that sends on Enter (Shift+Enter for a new line) or with its button, and a
 * Stop button while a turn runs. Sending stays possible while a turn runs: the daemon
 * queues the message and answers it next.
 */
export function Composer({
  send,
  stop,
  running = false,
  placeholder = 'Write a message',
  focusOnMount = true,
}: ComposerProps): ReactNode {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string>();
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (focusOnMount) box.current?.focus();
  }, [focusOnMount]);

  const report = (cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause));

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const content = draft.trim();
    if (content === '') return;
    setDraft('');
    setError(undefined);
    send(content).catch((cause: unknown) => {
      setDraft(content);
      report(cause);
    });
  };

  const sendOnEnter = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // An IME composing a word uses Enter to confirm it, not to send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  return (
    <form className="composer" onSubmit={submit} aria-label="Send a message">
      <textarea
        ref={box}
        aria-label="Message"
        value={draft}
        placeholder={placeholder}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={sendOnEnter}
        rows={2}
      />
      <div className="composer-actions">
        {running && stop !== undefined ? (
          <button type="button" className="stop" onClick={() => stop().catch(report)}>
            Stop
          </button>
        ) : null}
        <button type="submit" className="send" disabled={draft.trim() === ''}>
          Send
        </button>
      </div>
      {error === undefined ? null : (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
