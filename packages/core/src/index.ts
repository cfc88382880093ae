export {
  type Alternatives,
  alternativesOf,
  type BranchSource,
  currentPath,
  leafOf,
  newestBelow,
  parentOf,
  pathTo,
} from './branch-selectors.ts';
export {
  type ConversationListState,
  createConversationListState,
  reduceConversationList,
} from './conversation-list.ts';
export { type ConversationMarkdownInput, conversationMarkdown } from './conversation-markdown.ts';
export type {
  ActiveTurn,
  Activity,
  ConversationState,
  PendingUserMessage,
  ResyncNeeded,
} from './conversation-state.ts';
export { createConversationState } from './conversation-state.ts';
export { applyMergePatch } from './merge-patch.ts';
export {
  createMessageStore,
  type MessageStore,
  type MessageStoreStart,
  type StoreListener,
} from './message-store.ts';
export { type MessageTree, messageTree } from './message-tree.ts';
export { addPendingMessage, type PendingMessageInput, removePendingMessage } from './pending-messages.ts';
export { reduce, reduceAll } from './reduce.ts';
export { reduceConversationListEvents } from './reduce-conversation-list-events.ts';
export { type ListedMessage, messageKey, selectMessages } from './select-messages.ts';
export { selectPathMessages } from './select-path-messages.ts';
export { fromSnapshot, rebaseOnSnapshot, snapshot } from './snapshot.ts';
