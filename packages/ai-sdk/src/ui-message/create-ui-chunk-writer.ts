import type { MessageWriter } from '@once/producer';
import type { JsonObject, JsonValue, MessageError } from '@once/protocol';
import type { FinishReason, UIMessageChunk } from 'ai';
import { DENIED_RESULT } from './to-ui-messages.ts';
import { type DataPartEventData, dataEventType, STEP_START_EVENT, type StepStartEventData } from './ui-part-events.ts';

/** How the stream said the message ends; `undefined` while it has not said. */
export type UIStreamEnding =
  | { readonly status: 'complete'; readonly stopReason?: string }
  | { readonly status: 'cancelled' }
  | { readonly status: 'error'; readonly error: MessageError };

/** Options of {@link createUIChunkWriter}. */
export interface UIChunkWriterOptions {
  /** The assistant message the chunks are written into. */
  readonly writer: MessageWriter;
  /** Writes an app-defined conversation event: step boundaries and data parts. */
  readonly emit: (type: string, data: JsonObject) => void;
}

/** Writes one UI message stream into one Once message, a chunk at a time. */
export interface UIChunkWriter {
  /**
   * Writes one chunk. @throws Error naming the chunk when it refers to a part that never
   * started (a delta or end for an unknown id, an output for an unknown tool call).
   */
  write(chunk: UIMessageChunk): void;
  /** Closes tool results that only had preliminary output, with the last of it. */
  settle(): void;
  /** What the chunks said about the end: `error` wins over `abort`, which wins over `finish`. */
  readonly ending: UIStreamEnding | undefined;
}

/**
 * Drives a {@link MessageWriter} from AI SDK UI message chunks (`UIMessageChunk`):
 *
 *   text-start ──► text block open ──text-delta──► … ──text-end──► closed
 *   reasoning-start/-delta/-end ──► a thinking block, the same way
 *   tool-input-start ──► tool_use open ──tool-input-delta (JSON)──► … ──tool-input-available──► closed with input
 *   tool-output-available / -error / -denied ──► a tool_result, opened and closed (the tool ran upstream)
 *   data-<name> ──► app event data_<name>;  start-step ──► app event step_start
 *   finish ──► ending complete;  abort ──► cancelled;  error ──► error with its text
 *
 * `tool-input-available` and `tool-input-error` without a start open the tool_use
 * themselves; `tool-input-error` also writes its error as the call's result. A
 * preliminary tool output keeps its result block open until the final output.
 * `start` (Once keeps its own message id), `finish-step`, sources, files, custom parts,
 * metadata, approvals and `reset-step` carry nothing Once stores and are skipped.
 */
export function createUIChunkWriter(options: UIChunkWriterOptions): UIChunkWriter {
  const { writer, emit } = options;
  const texts = new Map<string, number>();
  const reasonings = new Map<string, number>();
  const tools = new Map<string, ToolCallState>();
  let ending: UIStreamEnding | undefined;

  const position = () => writer.snapshot().blocks.length;
  const missing = (chunk: string, id: string, start: string) =>
    new Error(`${chunk} for "${id}" came before its ${start}.`);

  const streamed = (open: Map<string, number>, chunk: { type: string; id: string }, start: string) => {
    const index = open.get(chunk.id);
    if (index === undefined) throw missing(chunk.type, chunk.id, start);
    return index;
  };

  const toolOf = (chunk: { type: string; toolCallId: string }) => {
    const tool = tools.get(chunk.toolCallId);
    if (tool === undefined) throw missing(chunk.type, chunk.toolCallId, 'tool input');
    return tool;
  };

  const openTool = (toolCallId: string, toolName: string, streamsJson: boolean) => {
    const tool: ToolCallState = {
      use: writer.openBlock({ blockType: 'tool_use', toolName, toolUseId: toolCallId }),
      streamsJson,
    };
    tools.set(toolCallId, tool);
    return tool;
  };

  /** Closes the call's input (if still open) with `input`. */
  const closeInput = (chunk: { toolCallId: string; toolName: string; input: unknown }) => {
    const tool = tools.get(chunk.toolCallId) ?? openTool(chunk.toolCallId, chunk.toolName, true);
    if (writer.snapshot().blocks[tool.use]?.status === 'open') {
      writer.closeBlock(tool.use, { input: toJson(chunk.input) });
    }
    return tool;
  };

  const result = (toolCallId: string, tool: ToolCallState, close: { result?: JsonValue; isError: boolean }) => {
    const index = tool.result ?? writer.openBlock({ blockType: 'tool_result', toolUseId: toolCallId });
    writer.closeBlock(index, close);
    tool.result = index;
  };

  const write = (chunk: UIMessageChunk) => {
    switch (chunk.type) {
      case 'text-start':
      case 'reasoning-start': {
        const open = chunk.type === 'text-start' ? texts : reasonings;
        open.set(chunk.id, writer.openBlock({ blockType: chunk.type === 'text-start' ? 'text' : 'thinking' }));
        return;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const index = streamed(chunk.type === 'text-delta' ? texts : reasonings, chunk, 'start');
        if (chunk.delta !== '') writer.appendDelta(index, { text: chunk.delta });
        return;
      }
      case 'text-end':
      case 'reasoning-end': {
        const open = chunk.type === 'text-end' ? texts : reasonings;
        writer.closeBlock(streamed(open, chunk, 'start'), {});
        open.delete(chunk.id);
        return;
      }
      case 'tool-input-start':
        openTool(chunk.toolCallId, chunk.toolName, chunk.inputEncoding !== 'text');
        return;
      case 'tool-input-delta': {
        const tool = toolOf(chunk);
        // A text-encoded input streams raw text, not JSON; its tool-input-available brings the JSON.
        if (tool.streamsJson && chunk.inputTextDelta !== '') {
          writer.appendDelta(tool.use, { partialJson: chunk.inputTextDelta });
        }
        return;
      }
      case 'tool-input-available':
        closeInput(chunk);
        return;
      case 'tool-input-error':
        result(chunk.toolCallId, closeInput(chunk), { result: chunk.errorText, isError: true });
        return;
      case 'tool-output-available': {
        const tool = toolOf(chunk);
        if (chunk.preliminary === true) {
          tool.result ??= writer.openBlock({ blockType: 'tool_result', toolUseId: chunk.toolCallId });
          tool.preliminary = toJson(chunk.output);
          return;
        }
        delete tool.preliminary;
        result(chunk.toolCallId, tool, {
          ...(chunk.output === undefined ? {} : { result: toJson(chunk.output) }),
          isError: false,
        });
        return;
      }
      case 'tool-output-error':
        result(chunk.toolCallId, toolOf(chunk), { result: chunk.errorText, isError: true });
        return;
      case 'tool-output-denied':
        result(chunk.toolCallId, toolOf(chunk), { result: DENIED_RESULT, isError: true });
        return;
      case 'start-step': {
        const data: StepStartEventData = { messageId: writer.messageId, beforeBlock: position() };
        emit(STEP_START_EVENT, { ...data });
        return;
      }
      case 'finish':
        ending ??= { status: 'complete', ...stopReasonOf(chunk.finishReason) };
        return;
      case 'abort':
        if (ending?.status !== 'error') ending = { status: 'cancelled' };
        return;
      case 'error':
        if (ending?.status !== 'error')
          ending = { status: 'error', error: { code: 'provider_error', message: chunk.errorText } };
        return;
      default:
        if (chunk.type.startsWith('data-')) writeData(chunk as DataChunk);
    }
  };

  const writeData = (chunk: DataChunk) => {
    const name = chunk.type.slice('data-'.length);
    const data: DataPartEventData = {
      messageId: writer.messageId,
      beforeBlock: position(),
      name,
      ...(chunk.id === undefined ? {} : { id: chunk.id }),
      data: toJson(chunk.data),
      ...(chunk.transient === true ? { transient: true } : {}),
    };
    emit(dataEventType(name), { ...data });
  };

  return {
    write,
    settle() {
      for (const tool of tools.values()) {
        if (tool.result === undefined || tool.preliminary === undefined) continue;
        if (writer.snapshot().blocks[tool.result]?.status === 'open') {
          writer.closeBlock(tool.result, { result: tool.preliminary, isError: false });
        }
        delete tool.preliminary;
      }
    },
    get ending() {
      return ending;
    },
  };
}

/** One tool call's blocks: its tool_use, and its tool_result once output came. */
interface ToolCallState {
  readonly use: number;
  /** False for a text-encoded input, whose deltas are no JSON. */
  readonly streamsJson: boolean;
  result?: number;
  /** The last preliminary output, until the final one. */
  preliminary?: JsonValue;
}

type DataChunk = { type: `data-${string}`; id?: string; data: unknown; transient?: boolean };

/**
 * The AI SDK's finish reason in Once's words where Once has one (`end_turn`, `tool_use`,
 * `max_tokens`), else as it came with `_` for `-` (`content_filter`, `other`).
 */
function stopReasonOf(reason: FinishReason | undefined): { stopReason?: string } {
  switch (reason) {
    case undefined:
      return {};
    case 'stop':
      return { stopReason: 'end_turn' };
    case 'tool-calls':
      return { stopReason: 'tool_use' };
    case 'length':
      return { stopReason: 'max_tokens' };
    default:
      return { stopReason: reason.replaceAll('-', '_') };
  }
}

/** A value from the wire is JSON already; `undefined` (a field left out) becomes `null`. */
function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (value as JsonValue);
}
