import { pathTo, snapshot } from '@once/core';
import {
  type AppendOptions,
  createLocalTurnCoordination,
  type EventLog,
  type SnapshotStore,
  type TurnCoordination,
} from '@once/log';
import type { AppendDrafts, TurnRunner } from '@once/producer';
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
import { type AccountDirectory, createAccountDirectory } from './account-directory.ts';
import { createApprovalGate } from './approval-gate.ts';
import { createBranchRequests, type RegenerateResult } from './branch-requests.ts';
import { type CompactionPass, createConversationCompactor } from './conversation-compactor.ts';
import { createConversationExpiry, type RetentionPass } from './conversation-expiry.ts';
import { type ConversationStates, createConversationStates } from './conversation-states.ts';
import { type RecoveryResult, recoverConversations } from './recover-conversations.ts';
import { createUserMessageSender, type SendInput, type SendResult } from './send-user-message.ts';
import { createSnapshotWriter, type SnapshotWriter } from './snapshot-writer.ts';
import { createTurnDispatcher, type TurnDispatcher } from './turn-dispatcher.ts';
import { refuseIfUnfoldable } from './unfoldable-conversation.ts';

/** Work the daemon does in the background, whose failures only its log can tell. */
export type BackgroundWork = 'turn' | 'snapshot' | 'compaction' | 'retention' | 'attachments' | 'history';

/** Options of {@link createConversationService}. */
export interface ConversationServiceOptions {
  readonly log: EventLog;
  /** Runs assistant turns; without one, messages are stored and never answered. */
  readonly runTurn?: TurnRunner;
  readonly newId?: () => string;
  readonly now?: () => Date;
  /** Called with errors nobody else can report, and what failed: a turn (its runner threw) or a snapshot save. */
  readonly onError?: (error: unknown, during: BackgroundWork) => void;
  /** How long a tool call waits for approval before it counts as denied, in ms. Default 300000. */
  readonly approvalTimeoutMs?: number;
  /**
   * How this daemon agrees with the others sharing its log on who runs each
   * conversation's turns. Default: {@link createLocalTurnCoordination} (this process is
   * the log's only writer, as with SQLite).
   */
  readonly coordination?: TurnCoordination;
  /**
   * Where conversations' folded states are kept beside the log (the SQLite and PostgreSQL
   * logs are their own): a cold read and start-up read only the events after a
   * conversation's stored snapshot, and a background writer saves new ones as
   * conversations grow (docs/decisions/016-persisted-snapshots.md). Default none: every
   * cold read and start-up reads conversations from offset 0.
   */
  readonly snapshots?: SnapshotStore;
  /** Events a conversation gains beyond its stored snapshot before a new one is saved. Default 1000. */
  readonly snapshotEvery?: number;
  /**
   * Reads an attachment's bytes by hash for the turns (`TurnContext.readAttachment`).
   * Default none: turns see attachments only as references.
   */
  readonly readAttachment?: (hash: string) => Promise<Uint8Array | undefined>;
  /**
   * Called once a conversation is deleted (or expired), to delete the files only it
   * referenced (`AttachmentStore.release`); a failure is reported as `attachments` work and
   * the delete stands. Default none.
   */
  readonly releaseAttachments?: (accountId: string, conversationId: string) => Promise<void>;
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
  send(accountId: string, conversationId: string, input: SendInput): Promise<SendResult>;
  /**
   * Answers an assistant message's question again in a new turn, whose answer replaces it
   * (decision 022). `404 message_not_found`, `400 invalid_request` for a user message,
   * `409 conflict` while a turn runs or waits.
   */
  regenerate(
    accountId: string,
    conversationId: string,
    messageId: string,
    input: { clientMessageId?: ClientMessageId },
  ): Promise<RegenerateResult>;
  /** Switches the current path to the branch through the message (appends `branch_selected`). */
  selectBranch(accountId: string, conversationId: string, messageId: string): Promise<{ leafId: MessageId }>;
  /** Cancels the running turn; does nothing when none runs. */
  cancel(accountId: string, conversationId: string): Promise<{ cancelled: boolean; turnId?: TurnId }>;
  decide(accountId: string, conversationId: string, toolUseId: string, decision: ApprovalDecision): Promise<void>;
  /**
   * Closes what a crash left open in every conversation of the accounts whose lease nobody
   * live holds, and re-queues unanswered messages; then keeps doing so for conversations
   * whose owner dies while this daemon runs.
   */
  recover(accountIds: readonly string[]): Promise<RecoveryResult>;
  /**
   * Compacts, in every conversation of the accounts, the completed messages opened at or
   * before `before` (ms since the epoch): see `createConversationCompactor`.
   */
  compact(accountIds: readonly string[], before: number): Promise<CompactionPass>;
  /**
   * Deletes, and removes from the log, every conversation of the accounts last active at
   * or before `before` (ms since the epoch) in which no turn runs: see `createConversationExpiry`.
   */
  expire(accountIds: readonly string[], before: number): Promise<RetentionPass>;
  /** Stops running turns (their messages end `interrupted`) and waits for them. */
  shutdown(): Promise<void>;
}

export function createConversationService(options: ConversationServiceOptions): ConversationService {
  const { log } = options;
  const newId = options.newId ?? defaultNewId;
  const now = options.now ?? (() => new Date());
  const accounts = createAccountDirectory(log, { newId, now });
  const { snapshots } = options;
  let writer: SnapshotWriter | undefined;
  const states: ConversationStates = createConversationStates(log, {
    ...(snapshots === undefined ? {} : { snapshots }),
    onColdRead: (conversationId, events) => writer?.noteUnsaved(conversationId, events),
    onRefused: (conversationId, resync, startedFrom) =>
      options.onError?.(
        new Error(
          `Conversation ${conversationId}: the reducer refused the event at offset ${resync.refusedOffset} of its log (${resync.reason}: ${resync.detail}), ` +
            `folding from ${startedFrom === 0 ? 'the start' : `the stored snapshot at offset ${startedFrom}`}; its history stops at offset ${resync.afterOffset}.`,
        ),
        'history',
      ),
    followCommits: true,
  });
  writer =
    snapshots === undefined
      ? undefined
      : createSnapshotWriter({
          log,
          snapshots,
          current: (conversationId) => states.current(conversationId),
          ...(options.snapshotEvery === undefined ? {} : { every: options.snapshotEvery }),
          onError: (error) => options.onError?.(error, 'snapshot'),
        });
  const compactor = createConversationCompactor(log, states, accounts);
  const coordination = options.coordination ?? createLocalTurnCoordination();
  const approvals = createApprovalGate(
    options.approvalTimeoutMs === undefined ? {} : { timeoutMs: options.approvalTimeoutMs },
  );
  const writerOf =
    (options?: AppendOptions) =>
    (conversationId: ConversationId): AppendDrafts =>
    (drafts) =>
      log.append({ stream: 'conversation', conversationId }, drafts, options);
  // Any daemon may store a user message; turns and recovery write only while this daemon
  // holds the conversation's lease, so one that stalled past it while a peer took over
  // cannot write there any more.
  const appendTo = writerOf();
  const appendHolding = writerOf({ fence: coordination.leases.owner });

  const turns: TurnDispatcher = createTurnDispatcher({
    leases: coordination.leases,
    current: (conversationId) => states.current(conversationId),
    onCommit: (listener) => log.onCommit(listener),
    now,
    run: withAttachments(options.runTurn ?? (async () => {}), options.readAttachment),
    appendTo: appendHolding,
    awaitApproval: (conversationId, toolUseId, signal) => approvals.wait(conversationId, toolUseId, signal),
    // The model sees the current path only: never the messages of other branches.
    historyUpTo: async (conversationId, userMessageId) =>
      pathTo(await states.current(conversationId), userMessageId).filter((message) => message.status !== 'streaming'),
    onError: (error) => options.onError?.(error, 'turn'),
  });

  const branches = createBranchRequests({
    current: (conversationId) => states.current(conversationId),
    turns,
    onCommit: (listener) => log.onCommit(listener),
    sendLock: coordination.sendLock,
    appendTo,
    newId,
    now,
  });

  const send = createUserMessageSender({
    accounts,
    states,
    turns,
    branches,
    sendLock: coordination.sendLock,
    appendTo,
    newId,
    now,
  });

  // Cancels and decisions sent through other daemons, for the turns this one runs.
  const stopListening = coordination.commands.listen((command) => {
    const id = command.conversationId as ConversationId;
    if (command.kind === 'decide') approvals.decide(id, command.toolUseId, command.decision);
    else if (turns.running(id) === command.turnId) turns.cancel(id);
  });

  const owned = async (accountId: string, conversationId: string) => {
    const conversation = await accounts.get(accountId, conversationId);
    return { conversation, id: conversation.id };
  };

  const deleteConversation = async (accountId: string, conversationId: string) => {
    const { id } = await owned(accountId, conversationId);
    turns.discard(id);
    branches.forget(id);
    await accounts.delete(accountId, id);
    states.forget(id);
    writer?.forget(id);
    compactor.forget(id);
    await options
      .releaseAttachments?.(accountId, id)
      .catch((error: unknown) => options.onError?.(error, 'attachments'));
  };
  const expiry = createConversationExpiry(
    log,
    accounts,
    deleteConversation,
    async (id) => (await states.current(id as ConversationId)).activeTurn !== undefined,
  );

  return {
    accounts,
    create: (accountId, title) => accounts.create(accountId, title ?? ''),
    delete: deleteConversation,
    async snapshot(accountId, conversationId) {
      const { conversation, id } = await owned(accountId, conversationId);
      return { conversation, snapshot: snapshot(await states.current(id)) };
    },
    async send(accountId, conversationId, input) {
      const { conversation } = await owned(accountId, conversationId);
      return send(accountId, conversation, input);
    },
    async regenerate(accountId, conversationId, messageId, input) {
      const { id } = await owned(accountId, conversationId);
      refuseIfUnfoldable(id, await states.current(id));
      const result = await branches.regenerate(id, messageId, input.clientMessageId);
      if (!result.duplicate) await accounts.update(accountId, id, {});
      return result;
    },
    async selectBranch(accountId, conversationId, messageId) {
      const { id } = await owned(accountId, conversationId);
      refuseIfUnfoldable(id, await states.current(id));
      return branches.selectBranch(id, messageId);
    },
    async cancel(accountId, conversationId) {
      const { id } = await owned(accountId, conversationId);
      const turnId = turns.cancel(id);
      if (turnId !== undefined) return { cancelled: true, turnId };
      // Held here, nothing runs here: nothing runs anywhere.
      if (turns.holds(id)) return { cancelled: false };
      const { activeTurn } = await states.current(id);
      if (activeTurn === undefined) return { cancelled: false };
      // Another daemon runs the turn: ask it to cancel.
      await coordination.commands.send({ kind: 'cancel', conversationId: id, turnId: activeTurn.turnId });
      return { cancelled: true, turnId: activeTurn.turnId };
    },
    async decide(accountId, conversationId, toolUseId, decision) {
      const { id } = await owned(accountId, conversationId);
      if (approvals.decide(id, toolUseId, decision)) return;
      const askedElsewhere =
        !turns.holds(id) &&
        (await states.current(id)).pendingApprovals.some((approval) => approval.toolUseId === toolUseId);
      if (askedElsewhere) {
        // Another daemon runs the turn that asked: deliver the decision to it.
        await coordination.commands.send({ kind: 'decide', conversationId: id, toolUseId, decision });
      } else {
        throw new OnceError(
          'approval_not_found',
          `No tool call ${toolUseId.slice(0, 64)} is waiting for a decision in this conversation (it was decided, timed out, or never asked).`,
        );
      }
    },
    async recover(accountIds) {
      const result = await recoverConversations({ log, snapshots, accounts, turns, writer }, accountIds);
      turns.start();
      return result;
    },
    compact: (accountIds, before) => compactor.compact(accountIds, before),
    expire: (accountIds, before) => expiry.expire(accountIds, before),
    async shutdown() {
      stopListening();
      await turns.shutdown();
      // After the turns ended: their last events are in the snapshots saved now.
      await writer?.close();
      states.close();
    },
  };
}

/** Gives each turn the attachment reader, when the daemon keeps attachments. */
function withAttachments(
  run: TurnRunner,
  readAttachment: ((hash: string) => Promise<Uint8Array | undefined>) | undefined,
): TurnRunner {
  return readAttachment === undefined ? run : (context) => run({ ...context, readAttachment });
}
