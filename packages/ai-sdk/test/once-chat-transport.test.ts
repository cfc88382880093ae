// The five useChat scenarios with OnceChatTransport: the AI SDK's Chat fed by Once's client.
import { OnceChatTransport } from '../src/chat/index.ts';
import { describeUseChatScenarios } from './use-chat-scenarios.ts';

describeUseChatScenarios({
  name: 'OnceChatTransport',
  // Quick reconnects: a restarted daemon is back within a second or two.
  makeTransport: ({ baseUrl }) =>
    new OnceChatTransport({ baseUrl, client: { backoff: { initialMs: 100, maxMs: 1000 } } }),
});
