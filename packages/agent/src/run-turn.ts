import { type AppendDrafts, createMessageWriter, type MessageWriterOptions, SHUTTING_DOWN } from '@once/producer';
import type {
  ApprovalDecision,
  ClientMessageId,
  ConversationEventDraft,
  ConversationId,
  FinalMessageStatus,
  MessageError,
  MessageId,
  MessageSnapshot,
  TurnEndReason,
  TurnEvent,
  TurnId,
} from '@once/protocol';
import { loadAttachmentBytes, type ReadAttachment } from './attachment-bytes.ts';
import { callModel, DEFAULT_RETRY_POLICY, type RetryPolicy } from './call-model.ts';
import type { ModelProvider, StopReason } from './model-provider.ts';
import { ProviderError } from './provider-error.ts';
import { runToolCalls } from './run-tool-calls.ts';
import type { Tool } from './tools/tool.ts';

/** Everything one turn needs. */
export interface RunTurnOptions {
  readonly conversationId: ConversationId;
  readonly turnId: TurnId;
  readonly userMessageId: MessageId;
  /** A regenerate turn's answer replaces this assistant message (decision 022). Default none. */
  readonly replaces?: MessageId;
  /** The `clientMessageId` this turn's assistant message opens with. Default none. */
  readonly clientMessageId?: ClientMessageId;
  /** Completed messages of the conversation, the user message of this turn included. */
  readonly history: readonly MessageSnapshot[];
  readonly provider: ModelProvider;
  readonly tools: readonly Tool[];
  /** The system prompt every model call of the turn gets (`ModelRequest.system`). Default: none. */
  readonly system?: string;
  readonly append: AppendDrafts;
  /** Aborted to cancel the turn; a `shutting_down` reason ends it `interrupted` instead. */
  readonly signal: AbortSignal;
  /** Model calls allowed in one turn. Default 8. */
  readonly maxSteps?: number;
  /** Asked at each step boundary: true ends the turn with `handoff` so queued messages go next. */
  readonly shouldHandOff?: () => boolean;
  /** Waits for the user's decision on a tool call that needs approval. Absent: such calls are denied. */
  readonly awaitApproval?: (toolUseId: string) => Promise<ApprovalDecision>;
  /** Retries of model calls that fail before any output. Default {@link DEFAULT_RETRY_POLICY}. */
  readonly retry?: Partial<RetryPolicy>;
  readonly writer?: Omit<MessageWriterOptions, 'append'>;
  readonly now?: () => Date;
  /**
   * Reads the bytes of the history's attachments, once at the start of the turn, for the
   * provider (`ModelRequest.attachments`): `TurnContext.readAttachment`. Default none:
   * the model is told of attachments in words only.
   */
  readonly readAttachment?: ReadAttachment;
}

/** How a turn ended and the assistant message it wrote. */
export interface TurnOutcome {
  readonly reason: TurnEndReason;
  readonly message: MessageSnapshot;
}

/**
 * Runs one assistant turn: model call → tool calls → tool results → next model call,
 * until the model stops, the step limit is hit, the turn is cancelled or handed off.
 * The whole turn is one assistant message; its blocks keep appending.
 *
 *   turn_start → [model call → tool calls]* → message_complete → turn_end
 */
export async function runTurn(options: RunTurnOptions): Promise<TurnOutcome> {
  const { conversationId, turnId, signal } = options;
  const now = options.now ?? (() => new Date());
  // Turn events are written without waiting, in order; every write is awaited before the
  // turn returns, so a failed write surfaces as the turn's error instead of going unseen.
  const written: Promise<unknown>[] = [];
  const write = (event: { readonly type: string; readonly data: object }) => {
    const draft = {
      stream: 'conversation',
      conversationId,
      type: event.type,
      ts: now().toISOString(),
      data: event.data,
    };
    // App events a tool emits have types of their own; the log stores any conversation event.
    const appended = options.append([draft as ConversationEventDraft]);
    appended.catch(() => undefined);
    written.push(appended);
  };
  const emit: (event: Pick<TurnEvent, 'type' | 'data'>) => void = write;
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };

  emit({ type: 'turn_start', data: { turnId, userMessageId: options.userMessageId } });
  emit({ type: 'activity', data: { phase: 'thinking' } });
  const writer = createMessageWriter(
    {
      conversationId,
      role: 'assistant',
      turnId,
      ...(options.replaces === undefined ? {} : { replaces: options.replaces }),
      ...(options.clientMessageId === undefined ? {} : { clientMessageId: options.clientMessageId }),
    },
    { ...options.writer, append: options.append },
  );
  const usage = { inputTokens: 0, outputTokens: 0 };
  let stopReason: StopReason | undefined;
  let reason: TurnEndReason = 'complete';
  let status: FinalMessageStatus = 'complete';
  let error: MessageError | undefined;

  try {
    const attachments = await loadAttachmentBytes(options.history, options.readAttachment);
    for (let step = 0; step < (options.maxSteps ?? 8); step += 1) {
      const result = await callModel({
        provider: options.provider,
        request: {
          history: options.history,
          tools: options.tools,
          ...(options.system === undefined ? {} : { system: options.system }),
          ...(attachments.size === 0 ? {} : { attachments }),
          signal,
        },
        writer,
        retry,
        onPhase: (phase, text) => emit({ type: 'activity', data: text === undefined ? { phase } : { phase, text } }),
      });
      stopReason = result.stopReason;
      usage.inputTokens += result.usage.inputTokens;
      usage.outputTokens += result.usage.outputTokens;
      emit({ type: 'usage', data: result.usage });
      if (stopReason !== 'tool_use') break;
      emit({ type: 'activity', data: { phase: 'tool_running' } });
      await runToolCalls({
        writer,
        tools: options.tools,
        signal,
        blocks: result.toolUseBlocks,
        emit,
        emitAppEvent: (type, data) => write({ type, data }),
        ...(options.awaitApproval === undefined ? {} : { awaitApproval: options.awaitApproval }),
      });
      if (options.shouldHandOff?.()) {
        reason = 'handoff';
        break;
      }
    }
  } catch (caught) {
    if (signal.aborted && signal.reason === SHUTTING_DOWN) {
      // The daemon is stopping: the message ends as a crash would leave it, but cleanly.
      reason = 'interrupted';
      status = 'interrupted';
    } else if (signal.aborted) {
      reason = 'cancelled';
      status = 'cancelled';
    } else {
      reason = 'error';
      status = 'error';
      error = {
        code: caught instanceof ProviderError ? caught.code : 'provider_error',
        message: caught instanceof Error ? caught.message : String(caught),
      };
    }
  }

  // A stop reason says how the model stopped; a cancelled or failed turn has none.
  const message = await writer.complete(status, {
    ...(status === 'complete' && stopReason !== undefined ? { stopReason } : {}),
    usage,
    ...(error === undefined ? {} : { error }),
  });
  emit({ type: 'activity', data: { phase: 'idle' } });
  emit({ type: 'turn_end', data: { turnId, reason } });
  await Promise.all(written);
  return { reason, message };
}
