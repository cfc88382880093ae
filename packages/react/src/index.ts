export { type ConversationRegistry, createConversationRegistry } from './conversation-registry.ts';
export { OnceProvider, type OnceProviderProps, useConversationRegistry } from './once-provider.tsx';
export { selectMessage } from './select-message.ts';
export { useConnectionState } from './use-connection-state.ts';
export { type ConversationView, useConversation } from './use-conversation.ts';
export { useConversationClient } from './use-conversation-client.ts';
export { useMessage } from './use-message.ts';
export { useMessages } from './use-messages.ts';
