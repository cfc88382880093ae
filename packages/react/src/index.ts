export { type ConversationListRegistry, createConversationListRegistry } from './conversation-list-registry.ts';
export { type ConversationRegistry, createConversationRegistry } from './conversation-registry.ts';
export {
  OnceProvider,
  type OnceProviderProps,
  useConversationListRegistry,
  useConversationRegistry,
} from './once-provider.tsx';
export { selectMessage } from './select-message.ts';
export { useAlternatives } from './use-alternatives.ts';
export { useConnectionState } from './use-connection-state.ts';
export { type ConversationView, useConversation } from './use-conversation.ts';
export { useConversationClient } from './use-conversation-client.ts';
export { type ConversationsView, useConversations } from './use-conversations.ts';
export { useDeliveries } from './use-deliveries.ts';
export { useDomainSubscription } from './use-domain-subscription.ts';
export { useMessage } from './use-message.ts';
export { useMessages } from './use-messages.ts';
export { type OlderMessagesView, useOlderMessages } from './use-older-messages.ts';
export { usePathMessages } from './use-path-messages.ts';
