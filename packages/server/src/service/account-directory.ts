import { type ConversationListState, createConversationListState, reduceConversationListEvents } from '@once/core';
import type { EventLog, StreamKey } from '@once/log';
import {
  type Conversation,
  type ConversationId,
  newId as defaultNewId,
  type IncomingEvent,
  OnceError,
} from '@once/protocol';
import {
  type AccountWrite,
  createWriteBatch,
  type Finish,
  type PlanWrite,
  type WriteEvent,
} from './account-write-batch.ts';
import { createKeyedBatches } from './keyed-batches.ts';

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

  /** The conversation the chat id names, once the list is caught up. */
  const chatOf = (accountId: string, state: ConversationListState, chatId: string) => {
    // The id of a conversation the account deleted is no new chat either.
    if (wasDeleted(accountId, chatId)) throw deletedError(chatId.slice(0, 64));
    const id = chats.get(accountId)?.get(chatId);
    if (id === undefined) return undefined;
    if (wasDeleted(accountId, id)) throw deletedError(`chat ${chatId.slice(0, 64)}`);
    return state.conversations.find((entry) => entry.id === id);
  };

  /**
   * Runs one batch of an account's writes: each is planned in turn against the list as the
   * ones before it left it, all their events go to the log in one append, and each settles
   * once the list holds them. Hundreds of chats starting at once cost a few appends, not
   * one round through the log each.
   */
  const runBatch = async (accountId: string, jobs: readonly AccountWrite[]) => {
    const state = await catchUp(accountId).catch((error: unknown) => {
      for (const job of jobs) job.reject(error);
    });
    if (state === undefined) return;
    const batch = createWriteBatch(state, {
      wasDeleted: (id) => wasDeleted(accountId, id),
      chatOf: (chatId) => chats.get(accountId)?.get(chatId),
      deletedError,
    });
    const planned: { job: AccountWrite; finish: Finish }[] = [];
    for (const job of jobs) {
      try {
        planned.push({ job, finish: batch.plan(job.plan) });
      } catch (error) {
        job.reject(error);
      }
    }
    try {
      if (batch.drafts.length > 0) {
        await log.append(streamOf(accountId), batch.drafts);
        await catchUp(accountId);
      }
    } catch (error) {
      for (const { job } of planned) job.reject(error);
      return;
    }
    for (const { job, finish } of planned) {
      try {
        job.resolve(await finish());
      } catch (error) {
        job.reject(error);
      }
    }
  };
  const batches = createKeyedBatches<AccountWrite>(runBatch, () => {});
  const submit = <T>(accountId: string, plan: PlanWrite<T>) =>
    new Promise<T>((resolve, reject) => {
      batches.submit(accountId, { plan, resolve: resolve as (value: unknown) => void, reject });
    });

  /** Plans `conversation_created`. */
  const created = (write: WriteEvent, fields: Pick<Conversation, 'id' | 'title' | 'chatId'>): Conversation => {
    const at = now().toISOString();
    const conversation: Conversation = {
      id: fields.id,
      title: fields.title,
      createdAt: at,
      updatedAt: at,
      ...(fields.chatId === undefined ? {} : { chatId: fields.chatId }),
    };
    write({ stream: 'account', type: 'conversation_created', ts: at, data: { conversation } });
    return conversation;
  };

  return {
    list: catchUp,
    get: find,
    create: (accountId, title) =>
      submit(accountId, (view) => {
        const conversation = created(view.write, { id: newId() as ConversationId, title });
        return () => conversation;
      }),
    findChat: async (accountId, chatId) => chatOf(accountId, await catchUp(accountId), chatId),
    ensureChat: (accountId, chatId) =>
      submit(accountId, (view) => {
        const known = view.chat(chatId);
        const mine =
          known === undefined ? created(view.write, { id: newId() as ConversationId, title: '', chatId }) : undefined;
        return async () => {
          // The list holds this batch now: an earlier conversation for the same chat,
          // created through another daemon, is known, and wins.
          const state = lists.get(accountId) ?? (await catchUp(accountId));
          const winner = chatOf(accountId, state, chatId) ?? mine ?? known;
          if (winner === undefined) throw deletedError(`chat ${chatId.slice(0, 64)}`);
          if (mine !== undefined && winner.id !== mine.id) {
            const at = now().toISOString();
            await log.append(streamOf(accountId), [
              { stream: 'account', type: 'conversation_deleted', ts: at, data: { conversationId: mine.id } },
            ]);
            await catchUp(accountId);
          }
          return winner;
        };
      }),
    update: (accountId, conversationId, change) =>
      submit(accountId, (view) => {
        const current = view.find(conversationId);
        const at = now().toISOString();
        const conversation: Conversation = {
          ...current,
          ...(change.title === undefined ? {} : { title: change.title }),
          updatedAt: at,
        };
        view.write({ stream: 'account', type: 'conversation_updated', ts: at, data: { conversation } });
        return () => conversation;
      }),
    delete: (accountId, conversationId) =>
      submit(accountId, (view) => {
        view.find(conversationId);
        const at = now().toISOString();
        view.write({
          stream: 'account',
          type: 'conversation_deleted',
          ts: at,
          data: { conversationId: conversationId as ConversationId },
        });
        return () => undefined;
      }),
  };
}
