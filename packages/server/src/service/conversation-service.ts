import type { ConversationState } from '@once/core';
import { snapshot } from '@once/core';
import {
  type ApprovalDecision,
  type ClientMessageId,
  type Conversation,
  type ConversationId,
  type ConversationSnapshot,
  newId as defaultNewId,
  type MessageId,
  OnceError,
  type TurnId,
} from '@once/protocol';
import type { EventLog } from '../log/event-log.ts';
import type { AppendDrafts } from '../writer/create-message-writer.ts';
import { writeUserMessage } from '../writer/write-user-message.ts';
import { type AccountDirectory, createAccountDirectory } from './account-directory.ts';
import { createApprovalGate } from './approval-gate.ts';
import { type ConversationStates, createConversationStates } from './conversation-states.ts';
import { createKeyedLock } from './keyed-lock.ts';
import { hasOpenWork } from './open-work-scan.ts';
import { recoverConversation } from './recover-conversation.ts';
import { createTurnScheduler, type TurnRunner, type TurnScheduler } from './turn-scheduler.ts';

/** What a send returns; the same ids again for a repeated clientMessageId. */
export interface SendResult {
  readonly userMessageId: MessageId;
  readonly turnId: TurnId;
  /** True when this clientMessageId was already sent and nothing new was written. */
  readonly duplicate: boolean;
}

/** Options of {@link createConversationService}. */
export interface ConversationServiceOptions {
  readonly log: EventLog;
  /** Runs assistant turns; without one, messages are stored and never answered. */
  readonly runTurn?: TurnRunner;
  readonly newId?: () => string;
  readonly now?: () => Date;
  /** Called with errors nobody else can report (a turn runner that threw). */
  readonly onError?: (error: unknown) => void;
  /** How long a tool call waits for approval before it counts as denied, in ms. Default 300000. */
  readonly approvalTimeoutMs?: number;
}

/**
 * What the HTTP API does, without HTTP: conversations per account, snapshots, sends
 * that are safe to retry, one turn at a time per conversation, cancel, and recovery.
 * Every operation checks that the account owns the conversation.
 */
export interface ConversationService {
  readonly accounts: AccountDirectory;
  create(accountId: string, title?: string): Promise<Conversation>;
  /** Deletes the conversation; a running turn is cancelled and queued ones dropped. */
  delete(accountId: string, conversationId: string): Promise<void>;
  /** The conversation and its snapshot, consistent at exactly `snapshot.offset`. */
  snapshot(
    accountId: string,
    conversationId: string,
  ): Promise<{ conversation: Conversation; snapshot: ConversationSnapshot }>;
  send(
    accountId: string,
    conversationId: string,
    input: { content: string; clientMessageId?: ClientMessageId },
  ): Promise<SendResult>;
  /** Cancels the running turn; does nothing when none runs. */
  cancel(accountId: string, conversationId: string): Promise<{ cancelled: boolean; turnId?: TurnId }>;
  decide(accountId: string, conversationId: string, toolUseId: string, decision: ApprovalDecision): Promise<void>;
  /** Closes what a crash left open in every conversation of the accounts, and re-queues unanswered messages. */
  recover(accountIds: readonly string[]): Promise<{ conversations: number; interrupted: number; requeued: number }>;
  /** Stops running turns (their messages end `interrupted`) and waits for them. */
  shutdown(): Promise<void>;
}

export function createConversationService(options: ConversationServiceOptions): ConversationService {
  const { log } = options;
  const newId = options.newId ?? defaultNewId;
  const now = options.now ?? (() => new Date());
  const accounts = createAccountDirectory(log, { newId, now });
  const states: ConversationStates = createConversationStates(log);
  const sendLock = createKeyedLock();
  const approvals = createApprovalGate(
    options.approvalTimeoutMs === undefined ? {} : { timeoutMs: options.approvalTimeoutMs },
  );
  const appendTo =
    (conversationId: ConversationId): AppendDrafts =>
    (drafts) =>
      log.append({ stream: 'conversation', conversationId }, drafts);

  const turns: TurnScheduler = createTurnScheduler({
    run: options.runTurn ?? (async () => {}),
    appendTo,
    awaitApproval: (conversationId, toolUseId, signal) => approvals.wait(conversationId, toolUseId, signal),
    historyUpTo: async (conversationId, userMessageId) => {
      const { messages } = await states.current(conversationId);
      const end = messages.findIndex((message) => message.id === userMessageId);
      return messages.slice(0, end + 1).filter((message) => message.status !== 'streaming');
    },
    onError: (error) => options.onError?.(error),
  });

  const owned = async (accountId: string, conversationId: string) => {
    const conversation = await accounts.get(accountId, conversationId);
    return { conversation, id: conversation.id };
  };

  return {
    accounts,
    create: (accountId, title) => accounts.create(accountId, title ?? ''),
    async delete(accountId, conversationId) {
      const { id } = await owned(accountId, conversationId);
      turns.discard(id);
      await accounts.delete(accountId, id);
      states.forget(id);
    },
    async snapshot(accountId, conversationId) {
      const { conversation, id } = await owned(accountId, conversationId);
      return { conversation, snapshot: snapshot(await states.current(id)) };
    },
    async send(accountId, conversationId, input) {
      const { conversation, id } = await owned(accountId, conversationId);
      const clientMessageId = input.clientMessageId ?? (newId() as ClientMessageId);
      const result = await sendLock.run(id, async () => {
        const existing = findSent(await states.current(id), clientMessageId);
        if (existing !== undefined) return { ...existing, duplicate: true };
        const turnId = newId() as TurnId;
        const message = await writeUserMessage(
          { conversationId: id, turnId, text: input.content, clientMessageId },
          { append: appendTo(id), newId, now },
        );
        turns.enqueue(id, { turnId, userMessageId: message.id });
        return { userMessageId: message.id, turnId, duplicate: false };
      });
      if (!result.duplicate) {
        // New activity moves the conversation to the top; an untitled one takes its first words.
        const title = conversation.title === '' ? titleFrom(input.content) : undefined;
        await accounts.update(accountId, id, title === undefined ? {} : { title });
      }
      return result;
    },
    async cancel(accountId, conversationId) {
      const { id } = await owned(accountId, conversationId);
      const turnId = turns.cancel(id);
      return turnId === undefined ? { cancelled: false } : { cancelled: true, turnId };
    },
    async decide(accountId, conversationId, toolUseId, decision) {
      const { id } = await owned(accountId, conversationId);
      if (!approvals.decide(id, toolUseId, decision)) {
        throw new OnceError(
          'approval_not_found',
          `No tool call ${toolUseId.slice(0, 64)} is waiting for a decision in this conversation (it was decided, timed out, or never asked).`,
        );
      }
    },
    async recover(accountIds) {
      let conversations = 0;
      let interrupted = 0;
      let requeued = 0;
      for (const accountId of accountIds) {
        const list = await accounts.list(accountId);
        for (const { id } of list.conversations) {
          conversations += 1;
          // Most conversations were left with nothing open: tell by their event types,
          // without folding them.
          if (!(await hasOpenWork(log, id))) continue;
          const result = await recoverConversation(await states.current(id), appendTo(id), now);
          interrupted += result.interrupted;
          for (const turn of result.unanswered) turns.enqueue(id, turn);
          requeued += result.unanswered.length;
        }
      }
      return { conversations, interrupted, requeued };
    },
    shutdown: () => turns.shutdown(),
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
