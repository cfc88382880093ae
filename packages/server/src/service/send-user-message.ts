import type { ConversationState } from '@once/core';
import type { KeyedLock } from '@once/log';
import { type AppendDrafts, writeUserMessage } from '@once/producer';
import {
  type Attachment,
  type ClientMessageId,
  type Conversation,
  type ConversationId,
  isOnceError,
  type MessageId,
  type TurnId,
} from '@once/protocol';
import type { AccountDirectory } from './account-directory.ts';
import type { BranchRequests } from './branch-requests.ts';
import type { ConversationStates } from './conversation-states.ts';
import type { TurnDispatcher } from './turn-dispatcher.ts';
import { refuseIfUnfoldable } from './unfoldable-conversation.ts';

/** What a send carries. */
export interface SendInput {
  readonly content: string;
  readonly clientMessageId?: ClientMessageId;
  /** A user message this one edits: it opens beside that one, on a new branch (decision 022). */
  readonly replaces?: string;
  /** Files sent with the message, already stored. */
  readonly attachments?: readonly Attachment[];
}

/** What a send returns; the same ids again for a repeated clientMessageId. */
export interface SendResult {
  readonly userMessageId: MessageId;
  readonly turnId: TurnId;
  /** True when this clientMessageId was already sent and nothing new was written. */
  readonly duplicate: boolean;
}

/** What {@link createUserMessageSender} needs of the conversation service. */
export interface UserMessageSenderOptions {
  readonly accounts: AccountDirectory;
  readonly states: ConversationStates;
  readonly turns: TurnDispatcher;
  readonly branches: BranchRequests;
  /** Held while a conversation's sends check for a repeat and write: across daemons, with PostgreSQL. */
  readonly sendLock: KeyedLock;
  readonly appendTo: (conversationId: ConversationId) => AppendDrafts;
  readonly newId: () => string;
  readonly now: () => Date;
}

/**
 * Sends a user message to a conversation the account owns: stored once per
 * clientMessageId (a repeat returns the first send's ids and writes nothing), its turn
 * queued, and the conversation moved to the top of the account's list.
 */
export function createUserMessageSender(options: UserMessageSenderOptions) {
  const { accounts, states, turns, branches, newId, now } = options;
  return async (accountId: string, conversation: Conversation, input: SendInput): Promise<SendResult> => {
    const id = conversation.id;
    const clientMessageId = input.clientMessageId ?? (newId() as ClientMessageId);
    // Across daemons: the same clientMessageId sent to two at once is stored once.
    const result = await options.sendLock
      .run(id, async () => {
        const state = await states.current(id);
        const existing = findSent(state, clientMessageId);
        if (existing !== undefined) return { ...existing, duplicate: true };
        refuseIfUnfoldable(id, state);
        const { replaces } = input;
        const edit =
          replaces === undefined
            ? {}
            : { replaces: replaces as MessageId, parentId: branches.checkEdit(id, state, replaces) };
        await turns.reserve(id);
        const turnId = newId() as TurnId;
        try {
          const message = await writeUserMessage(
            {
              conversationId: id,
              turnId,
              text: input.content,
              clientMessageId,
              ...edit,
              ...(input.attachments === undefined ? {} : { attachments: input.attachments }),
            },
            { append: options.appendTo(id), newId, now },
          );
          return { userMessageId: message.id, turnId, duplicate: false };
        } catch (error) {
          // The log holds one user message per clientMessageId: when the lock did not keep
          // another daemon's send of it out (it lapsed while this daemon stalled), the
          // log refused this one, and the send is the repeat of that one.
          const stored =
            isOnceError(error) && error.code === 'conflict'
              ? findSent(await states.current(id), clientMessageId)
              : undefined;
          if (stored === undefined) throw error;
          return { ...stored, duplicate: true };
        }
      })
      .catch(async (error: unknown) => {
        // Gives back a lease reserved for a message that was not stored.
        await turns.wake(id).catch(() => {});
        throw error;
      });
    // This daemon answers when it holds or gets the lease; otherwise its holder will.
    // A retried send wakes too, in case the first one's daemon stopped before it could.
    await turns.wake(id);
    if (!result.duplicate) {
      // New activity moves the conversation to the top; an untitled one takes its first words.
      const title =
        conversation.title === '' ? titleFrom(input.content || (input.attachments?.[0]?.name ?? '')) : undefined;
      await accounts.update(accountId, id, title === undefined ? {} : { title });
    }
    return result;
  };
}

function findSent(state: ConversationState, clientMessageId: ClientMessageId) {
  const message = state.messages.find((entry) => entry.role === 'user' && entry.clientMessageId === clientMessageId);
  return message === undefined ? undefined : { userMessageId: message.id, turnId: message.turnId };
}

function titleFrom(content: string): string {
  const line = content.trim().split('\n')[0] ?? '';
  return line.length <= 60 ? line : `${line.slice(0, 59)}…`;
}
