// The AI SDK's own Chat (AbstractChat, which useChat wraps) in Node, on its stock
// DefaultChatTransport pointed at a daemon's AI SDK endpoints.
import { AbstractChat, type ChatState, type ChatStatus, DefaultChatTransport, type UIMessage } from 'ai';

/** A plain ChatState: what React's state would hold, without rendering. */
class PlainChatState implements ChatState<UIMessage> {
  status: ChatStatus = 'ready';
  error: Error | undefined = undefined;
  messages: UIMessage[];

  constructor(messages: UIMessage[]) {
    this.messages = messages;
  }

  pushMessage = (message: UIMessage) => {
    this.messages = [...this.messages, message];
  };

  popMessage = () => {
    this.messages = this.messages.slice(0, -1);
  };

  replaceMessage = (index: number, message: UIMessage) => {
    this.messages = [...this.messages.slice(0, index), message, ...this.messages.slice(index + 1)];
  };

  snapshot = <T>(thing: T): T => structuredClone(thing);
}

/** A Chat as one browser tab would make it: `id`, the history the page loaded, the stock transport. */
export class StockChat extends AbstractChat<UIMessage> {
  constructor(options: { id: string; baseUrl: string; messages?: UIMessage[] }) {
    super({
      id: options.id,
      transport: new DefaultChatTransport({ api: `${options.baseUrl}/v1/ai-sdk/chat` }),
      state: new PlainChatState(options.messages ?? []),
    });
  }
}
