import type { ConversationClient, OnceClient, OpenConversationOptions } from '@once/client';

/**
 * Shares one {@link ConversationClient} per conversation id among the components that
 * show it, and closes it once the last of them is gone.
 */
export interface ConversationRegistry {
  /** The open conversation for this id, opened now if no one holds it. Safe to call during render. */
  get(conversationId: string): ConversationClient;
  /**
   * Marks the conversation as in use; the returned function releases it. The last release
   * closes it a microtask later, so an unmount followed at once by a mount of the same id
   * (React's StrictMode does this) keeps the same connection.
   */
  retain(conversationId: string): () => void;
}

interface Entry {
  readonly conversation: ConversationClient;
  holders: number;
}

/** Creates the registry an `OnceProvider` keeps for its client; `options` open every conversation. */
export function createConversationRegistry(
  client: OnceClient,
  options: OpenConversationOptions = {},
): ConversationRegistry {
  const entries = new Map<string, Entry>();

  const entryOf = (conversationId: string): Entry => {
    let entry = entries.get(conversationId);
    if (entry === undefined) {
      entry = { conversation: client.conversation(conversationId, options), holders: 0 };
      entries.set(conversationId, entry);
    }
    return entry;
  };

  return {
    get: (conversationId) => entryOf(conversationId).conversation,
    retain(conversationId) {
      const entry = entryOf(conversationId);
      entry.holders += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        entry.holders -= 1;
        queueMicrotask(() => {
          if (entry.holders > 0 || entries.get(conversationId) !== entry) return;
          entries.delete(conversationId);
          entry.conversation.close();
        });
      };
    },
  };
}
