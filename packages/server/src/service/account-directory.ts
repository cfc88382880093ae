import { type ConversationListState, createConversationListState, reduceConversationListEvents } from '@once/core';
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
  /** The account's conversation created for an AI SDK chat id (`Conversation.chatId`), if any.
   * @throws OnceError `conversation_not_found` when that conversation was deleted, or the chat id is the id of one the account deleted */
  findChat(accountId: string, chatId: string): Promise<Conversation | undefined>;
  /**
   * The account's conversation for an AI SDK chat id, created (with a new id, the chat id
   * as its alias) when new. When daemons sharing a log create one for the same chat at
   * once, the first in the account stream wins everywhere and the others are deleted.
   */
  ensureChat(accountId: string, chatId: string): Promise<Conversation>;
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
  // What the list forgets, per account: deleted ids (never to be reused) and the first
  // conversation created for each chat id. Filled from the same events, first one wins,
  // so folding an event twice changes nothing.
  const deleted = new Map<string, Set<string>>();
  const chats = new Map<string, Map<string, ConversationId>>();
  const remember = (accountId: string, event: IncomingEvent) => {
    if (event.type === 'conversation_deleted') {
      const id = (event.data as { conversationId: string }).conversationId;
      const set = deleted.get(accountId) ?? new Set();
      set.add(id);
      deleted.set(accountId, set);
    } else if (event.type === 'conversation_created') {
      const { conversation } = event.data as { conversation: Conversation };
      if (conversation.chatId === undefined) return;
      const map = chats.get(accountId) ?? new Map();
      if (!map.has(conversation.chatId)) map.set(conversation.chatId, conversation.id);
      chats.set(accountId, map);
    }
  };
  const wasDeleted = (accountId: string, conversationId: string) =>
    deleted.get(accountId)?.has(conversationId) === true;
  const deletedError = (what: string) =>
    new OnceError('conversation_not_found', `The conversation of ${what} was deleted; start a new chat with a new id.`);
  const lock = createKeyedLock();
  const streamOf = (accountId: string): StreamKey => ({ stream: 'account', accountId });

  const catchUp = async (accountId: string) => {
    let state = lists.get(accountId) ?? createConversationListState();
    for (;;) {
      const events = (await log.read(streamOf(accountId), state.offset, 1000)) as readonly IncomingEvent[];
      // A page at a time: folding event by event re-sorts the whole list per event.
      state = reduceConversationListEvents(state, events);
      for (const event of events) remember(accountId, event);
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

  /** Writes `conversation_created`; call under the account's lock. */
  const createWith = async (accountId: string, fields: Pick<Conversation, 'id' | 'title' | 'chatId'>) => {
    const at = now().toISOString();
    const conversation: Conversation = {
      id: fields.id,
      title: fields.title,
      createdAt: at,
      updatedAt: at,
      ...(fields.chatId === undefined ? {} : { chatId: fields.chatId }),
    };
    await write(accountId, { stream: 'account', type: 'conversation_created', ts: at, data: { conversation } });
    return conversation;
  };

  /** The conversation the chat id names, once the list is caught up. */
  const chatOf = (accountId: string, state: ConversationListState, chatId: string) => {
    // The id of a conversation the account deleted is no new chat either.
    if (wasDeleted(accountId, chatId)) throw deletedError(chatId.slice(0, 64));
    const id = chats.get(accountId)?.get(chatId);
    if (id === undefined) return undefined;
    if (wasDeleted(accountId, id)) throw deletedError(`chat ${chatId.slice(0, 64)}`);
    return state.conversations.find((entry) => entry.id === id);
  };

  return {
    list: catchUp,
    get: find,
    create: (accountId, title) =>
      lock.run(accountId, () => createWith(accountId, { id: newId() as ConversationId, title })),
    findChat: async (accountId, chatId) => chatOf(accountId, await catchUp(accountId), chatId),
    ensureChat: (accountId, chatId) =>
      lock.run(accountId, async () => {
        const known = chatOf(accountId, await catchUp(accountId), chatId);
        if (known !== undefined) return known;
        const mine = await createWith(accountId, { id: newId() as ConversationId, title: '', chatId });
        // `write` read the stream up to this append: an earlier conversation for the same
        // chat, created through another daemon, is known now, and wins.
        const winner = chatOf(accountId, await catchUp(accountId), chatId) ?? mine;
        if (winner.id !== mine.id) {
          const at = now().toISOString();
          await write(accountId, {
            stream: 'account',
            type: 'conversation_deleted',
            ts: at,
            data: { conversationId: mine.id },
          });
        }
        return winner;
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
