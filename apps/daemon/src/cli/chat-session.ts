import type { ConversationClient } from '@once/client';
import type { ConversationState } from '@once/core';
import { type ClientMessageId, type MessageSnapshot, newId, type PendingApproval, type TurnId } from '@once/protocol';
import type { ChatScreen } from './chat-screen.ts';
import { createTranscriptPrinter } from './print-transcript.ts';
import { turnEnded } from './send-command.ts';

/** A second Ctrl-C within this many milliseconds of the first quits, even while a turn runs. */
export const QUIT_WINDOW_MS = 2_000;

/** What the chat command feeds a session: lines, interrupts, the end of input. */
export interface ChatSession {
  /** A line the person typed (Enter pressed). */
  line(text: string): void;
  /** Ctrl-C: cancels the running turn; at the prompt, or twice in a row, quits. */
  interrupt(): void;
  /** Ctrl-D: quits once the running turn has ended. */
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
  readonly conversation: ConversationClient;
  readonly screen: ChatScreen;
  readonly now: () => number;
}

/**
 * The chat's logic, apart from the terminal it reads: sends lines, prints the
 * conversation (each character once, in order, whatever the connection does), asks the
 * pending approvals, and turns Ctrl-C and Ctrl-D into cancels and quits.
 */
export function createChatSession({ conversation, screen, now }: ChatSessionOptions): ChatSession {
  const printer = createTranscriptPrinter(screen.transcript);
  /** Sends in flight, and turns sent here whose end was not seen yet. */
  let sending = 0;
  const turns = new Set<TurnId>();
  /** Lines typed at the prompt: the terminal's echo already shows them as `> line`. */
  const echoed = new Set<ClientMessageId>();
  /** The approval asked now, and every one asked so far (each is asked once). */
  let question: PendingApproval | undefined;
  const asked = new Set<string>();
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

  const update = () => {
    const state = conversation.store.getSnapshot();
    printer.print(inOrder(state.messages.filter((message) => !isEchoed(message, echoed))));
    if (question !== undefined && !state.pendingApprovals.some((item) => item.toolUseId === question?.toolUseId)) {
      question = undefined;
    }
    if (question === undefined) {
      const next = state.pendingApprovals.find((approval) => !asked.has(approval.toolUseId));
      if (next !== undefined) {
        asked.add(next.toolUseId);
        if (inputEnded) {
          // Nobody is left to answer: no answer counts as no.
          decide(next, false);
        } else {
          question = next;
          screen.ask(`Allow ${next.toolName} ${JSON.stringify(next.input ?? null)}? [y/N] `);
        }
      }
    }
    const running = busy(state);
    if (inputEnded && !running) quit();
    else if (!running && question === undefined && !inputEnded) screen.showPrompt();
  };

  return {
    done,
    update,
    quit: () => quit(),
    line(text) {
      const atPrompt = screen.promptShowing;
      screen.lineEntered();
      if (question !== undefined) {
        const approval = question;
        question = undefined;
        decide(approval, /^\s*y(es)?\s*$/i.test(text));
        update();
        return;
      }
      const content = text.trim();
      if (content === '') {
        update();
        return;
      }
      const clientMessageId = newId() as ClientMessageId;
      if (atPrompt) echoed.add(clientMessageId);
      else screen.note('(queued)');
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
      if (question !== undefined) {
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
