// The AI SDK's Chat as @ai-sdk/react builds it (AbstractChat and a state holding its
// messages), without React: the same request, resume and stream logic useChat runs.
import { AbstractChat, type ChatInit, type ChatState, type ChatStatus, type UIMessage } from 'ai';

class PlainChatState implements ChatState<UIMessage> {
  status: ChatStatus = 'ready';
  error: Error | undefined = undefined;
  messages: UIMessage[];
  readonly #changed: () => void;

  constructor(messages: UIMessage[], changed: () => void) {
    this.messages = messages;
    this.#changed = changed;
  }

  pushMessage = (message: UIMessage) => {
    this.messages = [...this.messages, message];
    this.#changed();
  };

  popMessage = () => {
    this.messages = this.messages.slice(0, -1);
    this.#changed();
  };

  replaceMessage = (index: number, message: UIMessage) => {
    this.messages = [...this.messages.slice(0, index), this.snapshot(message), ...this.messages.slice(index + 1)];
    this.#changed();
  };

  snapshot = <T>(thing: T): T => structuredClone(thing);
}

/** A Chat that tests can wait on: every change of its messages or status wakes the waiters. */
export class NodeChat extends AbstractChat<UIMessage> {
  readonly #waiters = new Set<() => void>();
  /** Every assistant message id the chat ever showed, in order, to check ids never change. */
  readonly shownIds: string[] = [];
  /** The finish reasons `onFinish` reported, in order. */
  readonly finishReasons: (string | undefined)[] = [];

  constructor(init: ChatInit<UIMessage>) {
    const wake = () => {
      for (const message of this.messages ?? []) {
        if (message.role === 'assistant' && !this.shownIds.includes(message.id)) this.shownIds.push(message.id);
      }
      for (const waiter of this.#waiters) waiter();
    };
    super({
      ...init,
      state: new PlainChatState(init.messages ?? [], () => wake()),
      onFinish: (event) => {
        this.finishReasons.push(event.finishReason);
        init.onFinish?.(event);
        wake();
      },
    });
  }

  /** Resolves once `check()` holds, checking after every change (and every 50 ms, for status changes). */
  async until(check: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out waiting for ${what}; status ${this.status}, messages ${JSON.stringify(this.messages)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#waiters.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 50);
        this.#waiters.add(done);
      });
    }
  }

  /** The text the last assistant message shows so far. */
  lastAnswerText(): string {
    const last = this.messages.at(-1);
    if (last?.role !== 'assistant') return '';
    return last.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
  }
}
