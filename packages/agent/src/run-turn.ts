import type {
  ConversationEventDraft,
  ConversationId,
  FinalMessageStatus,
  JsonValue,
  MessageId,
  MessageSnapshot,
  TurnEndReason,
  TurnEvent,
  TurnId,
  Usage,
} from '@once/protocol';
import {
  type AppendDrafts,
  createMessageWriter,
  type MessageWriter,
  type MessageWriterOptions,
  SHUTTING_DOWN,
} from '@once/server';
import type { ModelProvider, StopReason } from './model-provider.ts';
import type { Tool } from './tools/tool.ts';

/** Everything one turn needs. */
export interface RunTurnOptions {
  readonly conversationId: ConversationId;
  readonly turnId: TurnId;
  readonly userMessageId: MessageId;
  /** Completed messages of the conversation, the user message of this turn included. */
  readonly history: readonly MessageSnapshot[];
  readonly provider: ModelProvider;
  readonly tools: readonly Tool[];
  readonly append: AppendDrafts;
  /** Aborted to cancel the turn. */
  readonly signal: AbortSignal;
  /** Model calls allowed in one turn. Default 8. */
  readonly maxSteps?: number;
  /** Asked at each step boundary: true ends the turn with `handoff` so queued messages go next. */
  readonly shouldHandOff?: () => boolean;
  readonly writer?: Omit<MessageWriterOptions, 'append'>;
  readonly now?: () => Date;
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
 */
export async function runTurn(options: RunTurnOptions): Promise<TurnOutcome> {
  const { conversationId, turnId, signal } = options;
  const now = options.now ?? (() => new Date());
  // Turn events are written without waiting, in order; every write is awaited before the
  // turn returns, so a failed write surfaces as the turn's error instead of going unseen.
  const written: Promise<unknown>[] = [];
  const emit = (event: Pick<TurnEvent, 'type' | 'data'>) => {
    const write = options.append([
      { stream: 'conversation', conversationId, ts: now().toISOString(), ...event } as ConversationEventDraft,
    ]);
    write.catch(() => undefined);
    written.push(write);
  };

  emit({ type: 'turn_start', data: { turnId, userMessageId: options.userMessageId } });
  emit({ type: 'activity', data: { phase: 'thinking' } });
  const writer = createMessageWriter(
    { conversationId, role: 'assistant', turnId },
    { ...options.writer, append: options.append },
  );
  const usage = { inputTokens: 0, outputTokens: 0 };
  let stopReason: StopReason | undefined;
  let reason: TurnEndReason = 'complete';
  let status: FinalMessageStatus = 'complete';
  let error: { code: string; message: string } | undefined;

  try {
    for (let step = 0; step < (options.maxSteps ?? 8); step += 1) {
      const result = await callModel(options, writer, (phase) => emit({ type: 'activity', data: { phase } }));
      stopReason = result.stopReason;
      usage.inputTokens += result.usage.inputTokens;
      usage.outputTokens += result.usage.outputTokens;
      emit({ type: 'usage', data: result.usage });
      if (stopReason !== 'tool_use') break;
      emit({ type: 'activity', data: { phase: 'tool_running' } });
      await runToolCalls(options, writer, result.toolUseBlocks);
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
      error = { code: 'provider_error', message: caught instanceof Error ? caught.message : String(caught) };
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

interface StepResult {
  readonly stopReason: StopReason;
  readonly usage: Usage;
  readonly toolUseBlocks: readonly number[];
}

async function callModel(
  options: RunTurnOptions,
  writer: MessageWriter,
  setPhase: (phase: 'thinking' | 'streaming') => void,
): Promise<StepResult> {
  const { signal } = options;
  let open: { index: number; type: 'text' | 'thinking' } | undefined;
  const toolBlocks = new Map<string, number>();
  let finish: { stopReason: StopReason; usage: Usage } | undefined;
  const closeOpen = () => {
    if (open !== undefined) writer.closeBlock(open.index);
    open = undefined;
  };
  const history = options.history;
  for await (const part of options.provider.stream({
    history,
    current: writer.snapshot(),
    tools: options.tools,
    signal,
  })) {
    signal.throwIfAborted();
    switch (part.type) {
      case 'text':
      case 'thinking':
        if (open?.type !== part.type) {
          closeOpen();
          open = { index: writer.openBlock({ blockType: part.type }), type: part.type };
          setPhase(part.type === 'text' ? 'streaming' : 'thinking');
        }
        writer.appendDelta(open.index, { text: part.text });
        break;
      case 'tool_call_start':
        closeOpen();
        toolBlocks.set(
          part.toolUseId,
          writer.openBlock({ blockType: 'tool_use', toolName: part.toolName, toolUseId: part.toolUseId }),
        );
        break;
      case 'tool_call_delta': {
        const index = toolBlocks.get(part.toolUseId);
        if (index !== undefined) writer.appendDelta(index, { partialJson: part.partialJson });
        break;
      }
      case 'tool_call_end': {
        const index = toolBlocks.get(part.toolUseId);
        if (index !== undefined) writer.closeBlock(index, { input: part.input });
        break;
      }
      case 'finish':
        finish = { stopReason: part.stopReason, usage: part.usage };
        break;
    }
  }
  signal.throwIfAborted();
  closeOpen();
  if (finish === undefined) throw new Error(`The ${options.provider.name} model stream ended without finishing.`);
  return { ...finish, toolUseBlocks: [...toolBlocks.values()] };
}

async function runToolCalls(options: RunTurnOptions, writer: MessageWriter, blocks: readonly number[]): Promise<void> {
  for (const blockIndex of blocks) {
    const call = writer.snapshot().blocks[blockIndex];
    if (call?.type !== 'tool_use') continue;
    const index = writer.openBlock({ blockType: 'tool_result', toolUseId: call.toolUseId });
    const tool = options.tools.find((candidate) => candidate.name === call.toolName);
    let result: JsonValue;
    let isError = false;
    try {
      if (tool === undefined) throw new Error(`There is no tool named ${call.toolName}.`);
      result = await tool.run(call.input ?? null, {
        signal: options.signal,
        output: (text) => writer.appendDelta(index, { text }),
      });
    } catch (caught) {
      options.signal.throwIfAborted();
      isError = true;
      result = { error: caught instanceof Error ? caught.message : String(caught) };
    }
    writer.closeBlock(index, { result, isError });
  }
}
