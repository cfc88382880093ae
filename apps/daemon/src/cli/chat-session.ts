import type { ConversationClient } from '@once/client';
import type { ConversationState } from '@once/core';
import { type ClientMessageId, type MessageSnapshot, newId, type PendingApproval, type TurnId } from '@once/protocol';
import type { ChatScreen } from './chat-screen.ts';
import { turnEnded } from './follow-turn.ts';
import { createTranscriptPrinter } from './print-transcript.ts';

/** A second Ctrl-C within this many milliseconds of the first quits, even while a turn runs. */
export const QUIT_WINDOW_MS = 2_000;

/** What a chat session uses of a conversation: its store, and the three requests it makes. */
export type ChatConversation = Pick<ConversationClient, 'store' | 'send' | 'cancel' | 'decide'>;

/** What the chat command feeds a session: lines, interrupts, the end of input. */
export interface ChatSession {
  /**
   * The conversation's history is loaded: prints it, then the prompt, then handles the
   * lines that came before. Until then lines are held, none lost, and nothing prints.
   */
  start(): void;
  /** A line read (Enter pressed, or a line of piped input). */
  line(text: string): void;
  /** Ctrl-C: cancels the running turn; at the prompt, or twice in a row, quits. */
  interrupt(): void;
  /** Ctrl-D or the end of piped input: quits once the lines read are handled and the last turn has ended. */
  endOfInput(): void;
  /** Quits now (SIGTERM). */
  quit(): void;
  /** Prints what changed and decides what to show next; call on every store change. */
  update(): void;
  /** Settles when the session wants to quit. */
  readonly done: Promise<void>;
}

/** Options of {@link createChatSession}. */
export interface ChatSessionOptions {
  readonly conversation: ChatConversation;
  readonly screen: ChatScreen;
  /** The clock for the Ctrl-C twice window, in milliseconds. */
  readonly now: () => number;
  /**
   * True when a person types at a terminal: a prompt shows, the terminal echoes each line,
   * and a line typed while an answer streams is sent at once (noted `(queued)`). False for
   * piped input: no prompt, each line is printed as `> line` and waits until the turn
   * before it has ended, so a line after a question answers it as a person would.
   */
  readonly interactive: boolean;
}

/**
 * The chat's logic, apart from the terminal it reads: sends lines, prints the
 * conversation (each character once, in order, whatever the connection does), asks the
 * pending approvals, and turns Ctrl-C and Ctrl-D into cancels and quits.
 *
 *   held lines ──start()──► idle (prompt) ──line──► busy (answer streams) ──turn ends──► idle
 *                                 ▲                   │ approval pending
 *                                 │                   ▼
 *                                 └──── y/n line ── asking [y/N]
 */
export function createChatSession({ conversation, screen, now, interactive }: ChatSessionOptions): ChatSession {
  const printer = createTranscriptPrinter(screen.transcript);
  /** Sends in flight, and turns sent here whose end was not seen yet. */
  let sending = 0;
  const turns = new Set<TurnId>();
  /** Lines typed at the prompt: the terminal's echo already shows them as `> line`. */
  const echoed = new Set<ClientMessageId>();
  /** Lines read and not handled yet: before start, and piped lines waiting for their turn. */
  const lines: { readonly text: string; readonly afterPrompt: boolean }[] = [];
  /** The approval asked now, and the pending ones asked already (each is asked once). */
  let question: PendingApproval | undefined;
  const asked = new Set<string>();
  let started = false;
  let inputEnded = false;
  let lastInterrupt = Number.NEGATIVE_INFINITY;
  let quit: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    quit = resolve;
  });

  const busy = (state: ConversationState) => {
    for (const turnId of turns) if (turnEnded(state, turnId)) turns.delete(turnId);
    return sending > 0 || turns.size > 0 || state.activeTurn !== undefined;
  };

  const decide = (approval: PendingApproval, allow: boolean) => {
    conversation.decide(approval.toolUseId, allow ? 'allow' : 'deny').catch((error: unknown) => {
      screen.note(`(could not answer the approval: ${describe(error)})`);
    });
  };

  const send = (content: string, afterPrompt: boolean, state: ConversationState) => {
    const clientMessageId = newId() as ClientMessageId;
    if (afterPrompt) echoed.add(clientMessageId);
    else if (interactive && busy(state)) screen.note('(queued)');
    sending += 1;
    conversation
      .send(content, { clientMessageId })
      .then(({ turnId }) => {
        turns.add(turnId);
      })
      .catch((error: unknown) => {
        screen.note(`(not sent: ${describe(error)})`);
      })
      .finally(() => {
        sending -= 1;
        update();
      });
  };

  /** Handles the lines it may: all of them at a terminal, one per finished turn when piped. */
  const takeLines = (state: ConversationState) => {
    while (lines.length > 0) {
      if (question === undefined && !interactive && busy(state)) return;
      const { text, afterPrompt } = lines.shift() as (typeof lines)[number];
      if (question !== undefined) {
        const approval = question;
        question = undefined;
        if (!interactive) screen.transcript.write(`${text}\n`);
        decide(approval, /^\s*y(es)?\s*$/i.test(text));
        continue;
      }
      const content = text.trim();
      if (content !== '') send(content, afterPrompt, state);
    }
  };

  const askNext = (state: ConversationState) => {
    // Forget approvals no longer pending: a later turn may use the same tool-use id again.
    const pending = new Set(state.pendingApprovals.map((approval) => approval.toolUseId));
    for (const toolUseId of asked) if (!pending.has(toolUseId)) asked.delete(toolUseId);
    if (question !== undefined && !pending.has(question.toolUseId)) question = undefined;
    if (question !== undefined) return;
    const next = state.pendingApprovals.find((approval) => !asked.has(approval.toolUseId));
    if (next === undefined) return;
    asked.add(next.toolUseId);
    if (inputEnded && lines.length === 0) {
      // Nobody is left to answer: no answer counts as no.
      decide(next, false);
      return;
    }
    question = next;
    screen.ask(`Allow ${next.toolName} ${JSON.stringify(next.input ?? null)}? [y/N] `);
  };

  /** One pass: print what changed, ask the next approval, take lines, show the prompt or quit. */
  const step = () => {
    const state = conversation.store.getSnapshot();
    printer.print(inOrder(state.messages.filter((message) => !isEchoed(message, echoed))));
    askNext(state);
    takeLines(state);
    if (busy(state) || question !== undefined || lines.length > 0) return;
    if (inputEnded) quit();
    else if (interactive) screen.showPrompt();
  };

  // A send changes the store at once, which calls update again: that call only asks for
  // one more pass, so a pass never runs inside another.
  let updating = false;
  let again = false;
  const update = () => {
    if (!started) return;
    if (updating) {
      again = true;
      return;
    }
    updating = true;
    try {
      do {
        again = false;
        step();
      } while (again);
    } finally {
      updating = false;
    }
  };

  return {
    done,
    update,
    quit: () => quit(),
    start() {
      started = true;
      update();
    },
    line(text) {
      const afterPrompt = interactive && screen.promptShowing;
      if (interactive) screen.lineEntered();
      lines.push({ text, afterPrompt });
      update();
    },
    interrupt() {
      const time = now();
      const state = conversation.store.getSnapshot();
      if (time - lastInterrupt < QUIT_WINDOW_MS || !busy(state)) {
        quit();
        return;
      }
      lastInterrupt = time;
      screen.note('(stopping the turn; Ctrl-C again to quit)');
      conversation.cancel().catch((error: unknown) => {
        screen.note(`(could not stop the turn: ${describe(error)})`);
      });
    },
    endOfInput() {
      inputEnded = true;
      if (question !== undefined && lines.length === 0) {
        decide(question, false);
        question = undefined;
      }
      update();
    },
  };
}

/** A message sent from the prompt: its `> line` is on the screen already, by the terminal's echo. */
function isEchoed(message: MessageSnapshot, echoed: ReadonlySet<ClientMessageId>): boolean {
  return message.role === 'user' && message.clientMessageId !== undefined && echoed.has(message.clientMessageId);
}

/**
 * The messages up to the first one still streaming: a message sent while an answer
 * streams (a queued line, another client's) prints after that answer, never inside it.
 */
function inOrder(messages: readonly MessageSnapshot[]): readonly MessageSnapshot[] {
  const streaming = messages.findIndex((message) => message.status === 'streaming');
  return streaming === -1 ? messages : messages.slice(0, streaming + 1);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
