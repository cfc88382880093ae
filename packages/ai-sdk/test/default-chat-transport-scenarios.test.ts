// The five useChat scenarios with the stock DefaultChatTransport on the daemon's AI SDK
// endpoints: it has no cursor, so a dropped stream comes back through resumeStream().
import { DefaultChatTransport } from 'ai';
import { describeUseChatScenarios } from './use-chat-scenarios.ts';

describeUseChatScenarios({
  name: 'DefaultChatTransport on /v1/ai-sdk/chat',
  makeTransport: ({ baseUrl }) => new DefaultChatTransport({ api: `${baseUrl}/v1/ai-sdk/chat` }),
  recovery: 'resume',
  // Slower than the default, so that a resume after a dropped stream finds the turn still
  // running even on a busy machine (a turn that ended meanwhile leaves nothing to rebuild).
  daemonFlags: ['--demo-delay-ms', '40'],
});
