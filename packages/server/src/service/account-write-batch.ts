import type { ConversationListState } from '@once/core';
import { type Conversation, type EventDraft, OnceError } from '@once/protocol';

/** Records an account event the write will append. */
export type WriteEvent = (draft: EventDraft) => void;

/** What a planned write does once its events are in the log: the value it settles with. */
export type Finish = () => unknown;

/**
 * Plans one write of an account (create, rename, delete, a chat's conversation) against
 * the list as the writes before it in the batch leave it. It may throw to refuse, writing
 * nothing; it returns what settles the write after the batch's append.
 */
export type PlanWrite<T> = (view: AccountWriteView) => () => T | Promise<T>;

/** A write waiting for its batch. */
export interface AccountWrite {
  readonly plan: PlanWrite<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** The account's list as a planned write sees it: the log's, with this batch's writes so far on top. */
export interface AccountWriteView {
  /** @throws OnceError `conversation_not_found` */
  find(conversationId: string): Conversation;
  /** The conversation created for an AI SDK chat id, if any. @throws OnceError `conversation_not_found` when it was deleted */
  chat(chatId: string): Conversation | undefined;
  readonly write: WriteEvent;
}

/** What the batch reads of the directory's memory of the account (the log's part). */
export interface AccountMemory {
  wasDeleted(conversationId: string): boolean;
  /** The first conversation created for the chat id. */
  chatOf(chatId: string): string | undefined;
  deletedError(what: string): OnceError;
}

/**
 * One batch of an account's writes: plans them one after the other, each seeing the
 * ones before it, and gathers their events for one append. A plan that throws leaves
 * nothing behind.
 */
export function createWriteBatch(state: ConversationListState, memory: AccountMemory) {
  const drafts: EventDraft[] = [];
  // This batch's changes over the log's list: a conversation as written, or null once deleted.
  const changed = new Map<string, Conversation | null>();
  const chats = new Map<string, string>();
  let logged: Map<string, Conversation> | undefined;

  const lookUp = (conversationId: string): Conversation | undefined => {
    const mine = changed.get(conversationId);
    if (mine !== undefined) return mine ?? undefined;
    logged ??= new Map(state.conversations.map((conversation) => [conversation.id, conversation]));
    return logged.get(conversationId);
  };
  const deleted = (conversationId: string) => changed.get(conversationId) === null || memory.wasDeleted(conversationId);

  const view = (written: EventDraft[]): AccountWriteView => ({
    find(conversationId) {
      const conversation = lookUp(conversationId);
      if (conversation === undefined) {
        throw new OnceError(
          'conversation_not_found',
          `There is no conversation ${conversationId.slice(0, 64)} in this account.`,
        );
      }
      return conversation;
    },
    chat(chatId) {
      // The id of a conversation the account deleted is no new chat either.
      if (deleted(chatId)) throw memory.deletedError(chatId.slice(0, 64));
      const id = chats.get(chatId) ?? memory.chatOf(chatId);
      if (id === undefined) return undefined;
      if (deleted(id)) throw memory.deletedError(`chat ${chatId.slice(0, 64)}`);
      return lookUp(id);
    },
    write: (draft) => {
      written.push(draft);
    },
  });

  /** Takes a planned write's events into the batch and onto its view. */
  const keep = (written: readonly EventDraft[]) => {
    for (const draft of written) {
      drafts.push(draft);
      const data = draft.data as { conversation?: Conversation; conversationId?: string };
      if (draft.type === 'conversation_deleted' && data.conversationId !== undefined) {
        changed.set(data.conversationId, null);
      } else if (data.conversation !== undefined) {
        changed.set(data.conversation.id, data.conversation);
        const { chatId } = data.conversation;
        if (draft.type === 'conversation_created' && chatId !== undefined && !chats.has(chatId)) {
          chats.set(chatId, data.conversation.id);
        }
      }
    }
  };

  return {
    /** The events of every write planned so far, in order. */
    drafts: drafts as readonly EventDraft[],
    /** Plans one write; throws (writing nothing) when it refuses. */
    plan(plan: PlanWrite<unknown>): Finish {
      const written: EventDraft[] = [];
      const finish = plan(view(written));
      keep(written);
      return finish;
    },
  };
}
