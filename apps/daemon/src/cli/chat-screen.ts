import type { TextSink } from './print-transcript.ts';

/**
 * The terminal a chat shares between the transcript (stdout), its prompts and its notes
 * (stderr). Both streams end up on one screen, so it remembers whether the cursor is at
 * the start of a line: a note or a question then never lands in the middle of an answer.
 */
export interface ChatScreen {
  /** Where the transcript printer writes. */
  readonly transcript: TextSink;
  /** Writes `text` on stdout on a line of its own start, e.g. the prompt or a question. */
  ask(text: string): void;
  /** Writes a note to stderr on a line of its own. */
  note(text: string): void;
  /** The person pressed Enter: the terminal's echo left the cursor at a line start. */
  lineEntered(): void;
  /** True while the last thing written is the prompt, so a line typed now was typed after it. */
  readonly promptShowing: boolean;
  /** Writes the prompt, unless it already shows. */
  showPrompt(): void;
}

/** The prompt before each line the person types. */
export const PROMPT = '> ';

export function createChatScreen(out: TextSink, err: TextSink): ChatScreen {
  let atLineStart = true;
  let promptShowing = false;
  const write = (sink: TextSink, text: string) => {
    if (text === '') return;
    sink.write(text);
    atLineStart = text.endsWith('\n');
    promptShowing = false;
  };
  const fresh = () => (atLineStart ? '' : '\n');
  return {
    transcript: { write: (text: string) => write(out, text) },
    ask: (text) => write(out, `${fresh()}${text}`),
    note: (text) => write(err, `${fresh()}${text}\n`),
    lineEntered() {
      atLineStart = true;
      promptShowing = false;
    },
    get promptShowing() {
      return promptShowing;
    },
    showPrompt() {
      if (promptShowing) return;
      write(out, `${fresh()}${PROMPT}`);
      promptShowing = true;
    },
  };
}
