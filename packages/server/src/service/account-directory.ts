import { type ConversationListState, createConversationListState, reduceConversationList } from '@once/core';
import { createKeyedLock, type EventLog, type StreamKey } from '@once/log';
import {
  type Conversation,
  type ConversationId,
  newId as defaultNewId,
  type EventDraft,
  type IncomingEvent,
  OnceError,
} from '@once/protocol';

/**
 * Each account's conversations, folded from its account stream: the stream is the only
 * record of which conversations exist, their titles and who owns them.
 */
export interface AccountDirectory {
  /** The account's list, up to date with the log. */
  list(accountId: string): Promise<ConversationListState>;
  /** The conversation if the account owns it. @throws OnceError `conversation_not_found` */
  get(accountId: string, conversationId: string): Promise<Conversation>;
  create(accountId: string, title: string): Promise<Conversation>;
  /** Renames, or with no title only moves the conversation to the top (new activity). */
  update(accountId: string, conversationId: string, change: { title?: string }): Promise<Conversation>;
  delete(accountId: string, conversationId: string): Promise<void>;
}

/** Options of {@link createAccountDirectory}. */
export interface AccountDirectoryOptions {
  readonly newId?: () => string;
  readonly now?: () => Date;
}

export function createAccountDirectory(log: EventLog, options: AccountDirectoryOptions = {}): AccountDirectory {
  const newId = options.newId ?? defaultNewId;
  const now = options.now ?? (() => new Date());
  const lists = new Map<string, ConversationListState>();
  const lock = createKeyedLock();
  const streamOf = (accountId: string): StreamKey => ({ stream: 'account', accountId });

  const catchUp = async (accountId: string) => {
    let state = lists.get(accountId) ?? createConversationListState();
    for (;;) {
      const events = await log.read(streamOf(accountId), state.offset, 1000);
      for (const event of events) state = reduceConversationList(state, event as IncomingEvent);
      if (events.length < 1000) break;
    }
    const known = lists.get(accountId);
    if (known === undefined || known.offset <= state.offset) lists.set(accountId, state);
    return lists.get(accountId) ?? state;
  };

  const find = async (accountId: string, conversationId: string) => {
    const state = await catchUp(accountId);
    const conversation = state.conversations.find((entry) => entry.id === conversationId);
    if (conversation === undefined) {
      throw new OnceError(
        'conversation_not_found',
        `There is no conversation ${conversationId.slice(0, 64)} in this account.`,
      );
    }
    return conversation;
  };

  const write = async (accountId: string, draft: EventDraft) => {
    await log.append(streamOf(accountId), [draft]);
    await catchUp(accountId);
  };

  return {
    list: catchUp,
    get: find,
    create: (accountId, title) =>
      lock.run(accountId, async () => {
        const at = now().toISOString();
        const conversation: Conversation = { id: newId() as ConversationId, title, createdAt: at, updatedAt: at };
        await write(accountId, { stream: 'account', type: 'conversation_created', ts: at, data: { conversation } });
        return conversation;
      }),
    update: (accountId, conversationId, change) =>
      lock.run(accountId, async () => {
        const current = await find(accountId, conversationId);
        const at = now().toISOString();
        const conversation: Conversation = {
          ...current,
          ...(change.title === undefined ? {} : { title: change.title }),
          updatedAt: at,
        };
        await write(accountId, { stream: 'account', type: 'conversation_updated', ts: at, data: { conversation } });
        return conversation;
      }),
    delete: (accountId, conversationId) =>
      lock.run(accountId, async () => {
        await find(accountId, conversationId);
        const at = now().toISOString();
        await write(accountId, {
          stream: 'account',
          type: 'conversation_deleted',
          ts: at,
          data: { conversationId: conversationId as ConversationId },
        });
      }),
  };
}
