import { type DragEvent, type FormEvent, type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { PendingFiles } from './attachments/pending-files.tsx';

/** Props of {@link Composer}. */
export interface ComposerProps {
  /**
   * Sends the text and the chosen files; the message shows at once (optimistically), so
   * the box clears right away. The text may be empty when there are files.
   */
  readonly send: (content: string, files: readonly File[]) => Promise<void>;
  /** Offer a paperclip button and dropping files on the box. Default false. */
  readonly attachFiles?: boolean;
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
  attachFiles = false,
}: ComposerProps): ReactNode {
  const [draft, setDraft] = useState('');
  const [files, setFiles] = useState<readonly File[]>([]);
  const picker = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string>();
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (focusOnMount) box.current?.focus();
  }, [focusOnMount]);

  const report = (cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause));

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const content = draft.trim();
    const chosen = files;
    if (content === '' && chosen.length === 0) return;
    setDraft('');
    setFiles([]);
    setError(undefined);
    send(content, chosen).catch((cause: unknown) => {
      setDraft(content);
      setFiles(chosen);
      report(cause);
    });
  };

  const addFiles = (added: FileList | null) => {
    if (added !== null && added.length > 0) setFiles((current) => [...current, ...added]);
  };
  const dropFiles = (event: DragEvent<HTMLFormElement>) => {
    if (!attachFiles || event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    addFiles(event.dataTransfer.files);
  };

  const sendOnEnter = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // An IME composing a word uses Enter to confirm it, not to send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  return (
    <form
      className="composer"
      onSubmit={submit}
      aria-label="Send a message"
      onDragOver={(event) => {
        if (attachFiles && event.dataTransfer.types.includes('Files')) event.preventDefault();
      }}
      onDrop={dropFiles}
    >
      <PendingFiles files={files} remove={(index) => setFiles(files.filter((_, at) => at !== index))} />
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
        {attachFiles ? (
          <>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              aria-label="Files to attach"
              onChange={(event) => {
                addFiles(event.target.files);
                event.target.value = '';
              }}
            />
            <button type="button" className="attach" aria-label="Attach files" onClick={() => picker.current?.click()}>
              {/* Drawn, not an emoji: a system without an emoji font shows a box. */}
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                <path
                  d="M21 11.5l-8.5 8.5a5.5 5.5 0 0 1-7.8-7.8l9-9a3.7 3.7 0 0 1 5.2 5.2l-9 9a1.8 1.8 0 0 1-2.6-2.6l8.3-8.3"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="2"
                  strokeLinecap="round"
                  strokeLinejoin="round"
                />
              </svg>
            </button>
          </>
        ) : null}
        {running && stop !== undefined ? (
          <button type="button" className="stop" onClick={() => stop().catch(report)}>
            Stop
          </button>
        ) : null}
        <button type="submit" className="send" disabled={draft.trim() === '' && files.length === 0}>
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
