import type { ConversationListClient, ConversationListOpener, OnceClient } from '@once/client';

/**
 * Shares one live conversation list among the components that show it, and closes it
 * once the last of them is gone.
 */
export interface ConversationListRegistry {
  /** The open list, opened now if no one holds it. Safe to call during render. */
  get(): ConversationListClient;
  /**
   * Marks the list as in use; the returned function releases it. The last release closes
   * it a microtask later, so StrictMode's unmount and mount keep the same connection.
   */
  retain(): () => void;
}

/** Creates the list registry an `OnceProvider` keeps for its client. */
export function createConversationListRegistry(
  client: OnceClient & Partial<ConversationListOpener>,
): ConversationListRegistry {
  let open: { readonly list: ConversationListClient; holders: number } | undefined;
  const entry = () => {
    if (open === undefined) {
      if (client.conversations === undefined) {
        throw new Error('useConversations needs a client that can list conversations (one made by createClient).');
      }
      open = { list: client.conversations(), holders: 0 };
    }
    return open;
  };
  return {
    get: () => entry().list,
    retain() {
      const held = entry();
      held.holders += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held.holders -= 1;
        queueMicrotask(() => {
          if (held.holders > 0 || open !== held) return;
          open = undefined;
          held.list.close();
        });
      };
    },
  };
}
